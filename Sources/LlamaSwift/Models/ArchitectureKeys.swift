import GGUF

/// A family's own metadata keys, `<architecture>.<key>`, read with errors that name the key.
struct ArchitectureKeys {
    let metadata: GGUFMetadata
    let architecture: String

    /// The full name of `key`.
    func name(_ key: String) -> String { architecture + "." + key }

    /// Whether the file has `key`.
    func contains(_ key: String) -> Bool { metadata.contains(name(key)) }

    /// The integer `key`, or `nil` when the file lacks it.
    func int(_ key: String) throws(LlamaError) -> Int? {
        try read(key) { () throws(GGUFError) in try metadata.int(name(key)) }
    }

    /// The float `key`, or `nil` when the file lacks it.
    func float(_ key: String) throws(LlamaError) -> Float? {
        try read(key) { () throws(GGUFError) in try metadata.float(name(key)) }
    }

    /// The string `key`, or `nil` when the file lacks it.
    func string(_ key: String) throws(LlamaError) -> String? {
        try read(key) { () throws(GGUFError) in try metadata.string(name(key)) }
    }

    /// The positive float `key` (a soft cap, a scale), or `nil` when the file lacks it or holds 0.
    func positiveFloat(_ key: String) throws(LlamaError) -> Float? {
        guard let value = try float(key), value != 0 else { return nil }
        guard value > 0, value.isFinite else { throw .invalidMetadata(key: name(key), reason: "\(value) is not positive") }
        return value
    }

    /// The factor positions are divided by before RoPE (`rope.scaling.type` `linear` with
    /// `rope.scaling.factor`); 1 without scaling.
    ///
    /// - Throws: ``LlamaError/invalidMetadata(key:reason:)`` for a scaling type not implemented
    ///   here (YaRN, LongRoPE), rather than rotating by the wrong angles.
    func linearRopeFactor() throws(LlamaError) -> Float {
        switch try string("rope.scaling.type") {
        case nil, "none": return 1
        case "linear": return try positiveFloat("rope.scaling.factor") ?? 1
        case let other?:
            throw .invalidMetadata(key: name("rope.scaling.type"), reason: "rope scaling '\(other)' is not supported (only 'linear')")
        }
    }

    /// Which of `layers` layers attend through a sliding window: `attention.sliding_window_pattern`
    /// as an array of booleans (one per layer), or as a period `n` (layer `i` slides when
    /// `i mod n < n − 1`), else the family's default period.
    func slidingLayers(layers: Int, defaultPeriod: Int) throws(LlamaError) -> [Bool] {
        let key = name("attention.sliding_window_pattern")
        if let value = metadata[key], case .array(let array) = value {
            guard case .bool(let flags) = array, flags.count == layers else {
                throw .invalidMetadata(key: key, reason: "an array must hold one boolean per layer (\(layers))")
            }
            return flags
        }
        let period = try int("attention.sliding_window_pattern") ?? defaultPeriod
        guard period > 0 else { throw .invalidMetadata(key: key, reason: "\(period) is not positive") }
        return (0..<layers).map { $0 % period < period - 1 }
    }

    private func read<T>(_ key: String, _ body: () throws(GGUFError) -> T) throws(LlamaError) -> T? {
        guard contains(key) else { return nil }
        do { return try body() } catch { throw LlamaError(error, path: "") }
    }
}
