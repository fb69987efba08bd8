import Foundation

/// Saving and restoring what a session has evaluated, so that a long prompt (a system prompt, a
/// document) is processed once and reloaded later in a fraction of the time.
///
/// The file is versioned binary, little-endian:
///
/// | bytes | field |
/// | --- | --- |
/// | 8 | magic `LSWSTATE` |
/// | 4 | format version (1) |
/// | 4, 4 | layers, key/value width per position |
/// | 4 | token count `n` |
/// | 8 | model fingerprint: a hash of the hyper-parameters and every tensor's name, type, shape and first bytes |
/// | 4 × n | the tokens, `Int32` |
/// | 4 × n × width, per layer | the keys of positions `0..<n`, then the values, layer after layer, `Float` |
/// | 8 | a hash of everything before it |
///
/// A file written for another model, with another format version, or cut short or altered is
/// refused with a ``SessionStateError`` and the session is left as it was.
extension LlamaSession {
    /// The tokens whose keys and values the session holds.
    public var cachedTokens: [Int] { history.map(Int.init) }

    /// Writes the session's tokens and their keys and values to `path`, replacing any file there.
    ///
    /// - Throws: ``SessionStateError/io(path:reason:)`` when the file cannot be written,
    ///   ``SessionStateError/unsupportedBackend`` when the cache is not in host memory.
    public func saveState(to path: String) throws(SessionStateError) {
        let cache = try hostCache()
        let layout = SessionStateLayout(model: model, tokenCount: history.count)
        var data = Data(capacity: layout.fileSize)
        data.append(contentsOf: SessionStateLayout.magic)
        for field in [SessionStateLayout.version, UInt32(layout.layers), UInt32(layout.width), UInt32(history.count)] {
            data.appendLittleEndian(field)
        }
        data.appendLittleEndian(layout.fingerprint)
        for token in history { data.appendLittleEndian(UInt32(bitPattern: token)) }
        let rowBytes = layout.width * MemoryLayout<Float>.size
        for layer in 0..<layout.layers {
            for position in 0..<history.count {
                data.append(contentsOf: UnsafeRawBufferPointer(start: cache.keys(layer: layer, position: position), count: rowBytes))
            }
            for position in 0..<history.count {
                data.append(contentsOf: UnsafeRawBufferPointer(start: cache.values(layer: layer, position: position), count: rowBytes))
            }
        }
        data.appendLittleEndian(SessionStateLayout.checksum(data))
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .io(path: path, reason: error.localizedDescription)
        }
    }

    /// Replaces the session's cache with the state saved in `path` and returns its token count.
    ///
    /// A later ``generate(prompt:parameters:)`` whose prompt starts with the restored tokens
    /// evaluates only the rest.
    /// - Throws: ``SessionStateError`` when the file cannot be read, is not a state file, has
    ///   another version, was written for another model, is truncated or corrupt, or holds more
    ///   tokens than the session's context; or when the cache is not in host memory.
    @discardableResult
    public func restoreState(from path: String) throws(SessionStateError) -> Int {
        let cache = try hostCache()
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
            throw .io(path: path, reason: error.localizedDescription)
        }
        let headerSize = SessionStateLayout.headerSize
        guard data.count >= 8, data.prefix(8).elementsEqual(SessionStateLayout.magic) else { throw .notAStateFile(path: path) }
        guard data.count >= headerSize else { throw .truncated(path: path) }
        let version: UInt32 = data.littleEndian(at: 8)
        guard version == SessionStateLayout.version else { throw .unsupportedVersion(path: path, version: version) }
        let tokenCount = Int(data.littleEndian(at: 20) as UInt32)
        let layout = SessionStateLayout(model: model, tokenCount: tokenCount)
        let layers = Int(data.littleEndian(at: 12) as UInt32), width = Int(data.littleEndian(at: 16) as UInt32)
        guard layers == layout.layers, width == layout.width, data.littleEndian(at: 24) == layout.fingerprint else {
            throw .modelMismatch(path: path)
        }
        guard data.count >= layout.fileSize else { throw .truncated(path: path) }
        guard data.count == layout.fileSize else {
            throw .corrupt(path: path, reason: "\(data.count - layout.fileSize) bytes after the end of the state")
        }
        guard SessionStateLayout.checksum(data.prefix(layout.fileSize - 8)) == data.littleEndian(at: layout.fileSize - 8) else {
            throw .corrupt(path: path, reason: "the checksum does not match the contents")
        }
        guard tokenCount <= contextSize else { throw .doesNotFit(tokens: tokenCount, contextSize: contextSize) }
        let vocabulary = model.configuration.vocabularySize
        let tokens = (0..<tokenCount).map { Int32(bitPattern: data.littleEndian(at: headerSize + 4 * $0)) }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= vocabulary }) {
            throw .corrupt(path: path, reason: "token \(bad) is outside the vocabulary (0..<\(vocabulary))")
        }
        let rowBytes = width * MemoryLayout<Float>.size
        data.withUnsafeBytes { bytes in
            var offset = headerSize + 4 * tokenCount
            for layer in 0..<layers {
                for position in 0..<tokenCount {
                    UnsafeMutableRawPointer(cache.keys(layer: layer, position: position))
                        .copyMemory(from: bytes.baseAddress! + offset, byteCount: rowBytes)
                    offset += rowBytes
                }
                for position in 0..<tokenCount {
                    UnsafeMutableRawPointer(cache.values(layer: layer, position: position))
                        .copyMemory(from: bytes.baseAddress! + offset, byteCount: rowBytes)
                    offset += rowBytes
                }
            }
        }
        history = tokens
        return tokenCount
    }

    /// The KV cache of the CPU forward pass; other engines keep theirs on the device.
    private func hostCache() throws(SessionStateError) -> KeyValueCache {
        guard let cpu = transformer as? Transformer else { throw .unsupportedBackend }
        return cpu.cache
    }
}

/// Sizes and identity of a state file for one model.
struct SessionStateLayout {
    static let magic = Array("LSWSTATE".utf8)
    static let version: UInt32 = 1
    /// Magic, version, layers, width, token count, fingerprint.
    static let headerSize = 32

    let layers: Int
    let width: Int
    let fingerprint: UInt64
    let fileSize: Int

    init(model: LlamaModel, tokenCount: Int) {
        let c = model.configuration
        layers = c.blockCount
        width = c.keyValueDimension
        fingerprint = Self.fingerprint(of: model)
        fileSize = Self.headerSize + 4 * tokenCount + 2 * layers * tokenCount * width * MemoryLayout<Float>.size + 8
    }

    /// A hash of the hyper-parameters and of every tensor's name, type, shape and first 64 bytes,
    /// so that a state is refused by a model with other shapes or other weights.
    static func fingerprint(of model: LlamaModel) -> UInt64 {
        let c = model.configuration
        var hasher = StableHasher()
        hasher.combine("llama")
        for value in [c.embeddingLength, c.blockCount, c.feedForwardLength, c.headCount, c.keyValueHeadCount,
                      c.ropeDimensionCount, c.vocabularySize] {
            hasher.combine(UInt64(value))
        }
        hasher.combine(UInt64(c.ropeFrequencyBase.bitPattern))
        hasher.combine(UInt64(c.rmsNormEpsilon.bitPattern))
        let file = model.weights.file
        for info in file.tensors {
            hasher.combine(info.name)
            hasher.combine(info.type.name)
            for extent in info.shape { hasher.combine(UInt64(extent)) }
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: file.data(for: info).prefix(64)))
        }
        return hasher.value
    }

    /// A 64-bit hash of `data`, to tell a damaged file.
    static func checksum(_ data: Data) -> UInt64 {
        var hasher = StableHasher()
        data.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.value
    }
}

/// FNV-1a over 64-bit words: the same value on every run and machine, unlike `Hasher`.
struct StableHasher {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    mutating func combine(_ word: UInt64) {
        value = (value ^ word) &* Self.prime
    }

    mutating func combine(_ text: String) {
        combine(UInt64(text.utf8.count))
        for byte in text.utf8 { combine(UInt64(byte)) }
    }

    mutating func combine(bytes: UnsafeRawBufferPointer) {
        combine(UInt64(bytes.count))
        let words = bytes.count / 8
        for index in 0..<words { combine(bytes.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)) }
        for index in (8 * words)..<bytes.count { combine(UInt64(bytes[index])) }
    }
}

extension Data {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// The little-endian integer at byte `offset` from the start.
    func littleEndian<T: FixedWidthInteger>(at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
