import Foundation
import GGUF

/// Saving and restoring what a session has evaluated, so that a long prompt (a system prompt, a
/// document) is processed once and reloaded later in a fraction of the time. It works the same
/// on every backend: the cache's bytes are written in one canonical order.
///
/// The file is versioned binary, little-endian:
///
/// | bytes | field |
/// | --- | --- |
/// | 8 | magic `LSWSTATE` |
/// | 4 | format version (2) |
/// | 4, 4, 4 | layers, key/value heads, head width |
/// | 4 | cache type: 0 F16, 1 Q8_0, 2 F32 |
/// | 4 | token count `n` |
/// | 8 | model fingerprint: a hash of the hyper-parameters and every tensor's name, type, shape and first bytes |
/// | 4 × n | the tokens, `Int32` |
/// | per layer | the keys, then the values, of positions `0..<n`, head after head, in the cache type |
/// | 8 | a hash of everything before it |
///
/// A file written for another model or cache type, with another format version, or cut short or
/// altered is refused with a ``SessionStateError`` and the session is left as it was.
extension LlamaSession {
    /// The tokens whose keys and values the session holds.
    public var cachedTokens: [Int] { history.map(Int.init) }

    /// Writes the session's tokens and their keys and values to `path`, replacing any file there
    /// (through `AtomicFile`: written beside it, flushed and renamed, so an interrupted save leaves
    /// the old file or none).
    ///
    /// - Throws: ``SessionStateError/io(path:reason:)`` when the file cannot be written or the
    ///   cache cannot be read back from its device.
    public func saveState(to path: String) throws(SessionStateError) {
        let data = try serializedState(path: path)
        let failure = data.withUnsafeBytes { (bytes) -> GGUFError? in
            do throws(GGUFError) {
                let file = try AtomicFile(path: path)
                try file.write(bytes)
                try file.commit()
            } catch {
                return error
            }
            return nil
        }
        if let failure { throw .io(path: path, reason: failure.description) }
    }

    /// The session's tokens and their keys and values in the state file's format, for a store
    /// other than a file (a database, the network); ``restoreState(data:)`` takes them back.
    ///
    /// - Throws: ``SessionStateError/io(path:reason:)`` when the cache cannot be read back from
    ///   its device.
    public func stateData() throws(SessionStateError) -> Data {
        try serializedState(path: SessionStateLayout.memoryName)
    }

    /// The state file's bytes; errors name `path`.
    private func serializedState(path: String) throws(SessionStateError) -> Data {
        let layout = SessionStateLayout(model: model, cacheType: cacheType, tokenCount: history.count)
        let cacheBytes: [UInt8]
        do { cacheBytes = try cache.export(count: history.count) } catch {
            throw .io(path: path, reason: "reading the cache: \(error)")
        }
        var data = Data(capacity: layout.fileSize)
        data.append(contentsOf: SessionStateLayout.magic)
        for field in [SessionStateLayout.version, UInt32(layout.layers), UInt32(layout.heads), UInt32(layout.headDimension),
                      layout.typeCode, UInt32(history.count)] {
            data.appendLittleEndian(field)
        }
        data.appendLittleEndian(layout.fingerprint)
        for token in history { data.appendLittleEndian(UInt32(bitPattern: token)) }
        data.append(contentsOf: cacheBytes)
        data.appendLittleEndian(SessionStateLayout.checksum(data))
        return data
    }

    /// Replaces the session's cache with the state saved in `path` and returns its token count.
    ///
    /// A later ``generate(prompt:parameters:)`` whose prompt starts with the restored tokens
    /// evaluates only the rest.
    /// - Throws: ``SessionStateError`` when the file cannot be read, is not a state file, has
    ///   another version, was written for another model or cache type, is truncated or corrupt,
    ///   or holds more tokens than the session's context.
    @discardableResult
    public func restoreState(from path: String) throws(SessionStateError) -> Int {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
            throw .io(path: path, reason: error.localizedDescription)
        }
        return try restore(data, path: path)
    }

    /// Replaces the session's cache with a state from ``stateData()`` and returns its token count.
    ///
    /// - Throws: ``SessionStateError`` as ``restoreState(from:)`` does, naming the data
    ///   `(memory)` where it would name the file.
    @discardableResult
    public func restoreState(data: Data) throws(SessionStateError) -> Int {
        try restore(data, path: SessionStateLayout.memoryName)
    }

    private func restore(_ data: Data, path: String) throws(SessionStateError) -> Int {
        // Indices below count from 0.
        let data = data.startIndex == 0 ? data : Data(data)
        let headerSize = SessionStateLayout.headerSize
        guard data.count >= 8, data.prefix(8).elementsEqual(SessionStateLayout.magic) else { throw .notAStateFile(path: path) }
        guard data.count >= 12 else { throw .truncated(path: path) }
        let version: UInt32 = data.littleEndian(at: 8)
        guard version == SessionStateLayout.version else { throw .unsupportedVersion(path: path, version: version) }
        guard data.count >= headerSize else { throw .truncated(path: path) }
        let tokenCount = Int(data.littleEndian(at: 28) as UInt32)
        let layout = SessionStateLayout(model: model, cacheType: cacheType, tokenCount: tokenCount)
        let fields: [UInt32] = [12, 16, 20, 24].map { data.littleEndian(at: $0) }
        guard fields == [UInt32(layout.layers), UInt32(layout.heads), UInt32(layout.headDimension), layout.typeCode],
              data.littleEndian(at: 32) == layout.fingerprint else {
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
        let start = headerSize + 4 * tokenCount
        do { try cache.restore(Array(data[start..<(layout.fileSize - 8)]), count: tokenCount) } catch {
            throw .io(path: path, reason: "writing the cache: \(error)")
        }
        history = tokens
        return tokenCount
    }
}

/// Sizes and identity of a state file for one model and cache type.
struct SessionStateLayout {
    static let magic = Array("LSWSTATE".utf8)
    /// What errors name as the file of a state restored from memory.
    static let memoryName = "(memory)"
    static let version: UInt32 = 2
    /// Magic, version, layers, heads, head width, cache type, token count, fingerprint.
    static let headerSize = 40

    let layers: Int
    let heads: Int
    let headDimension: Int
    let typeCode: UInt32
    let fingerprint: UInt64
    let fileSize: Int

    init(model: LlamaModel, cacheType: KVCacheType, tokenCount: Int) {
        let c = model.configuration
        layers = c.blockCount
        heads = c.keyValueHeadCount
        headDimension = c.headDimension
        typeCode = UInt32(KVCacheType.allCases.firstIndex(of: cacheType)!)
        fingerprint = Self.fingerprint(of: model)
        let cacheBytes = 2 * layers * heads * cacheType.byteCount(elements: headDimension) * tokenCount
        fileSize = Self.headerSize + 4 * tokenCount + cacheBytes + 8
    }

    /// A hash of the hyper-parameters and of every tensor's name, type, shape and first 64 bytes,
    /// so that a state is refused by a model with other shapes or other weights.
    static func fingerprint(of model: LlamaModel) -> UInt64 {
        let c = model.configuration
        var hasher = StableHasher()
        hasher.combine(c.architecture)
        for value in [c.embeddingLength, c.blockCount, c.feedForwardLength, c.headCount, c.keyValueHeadCount,
                      c.headDimension, c.ropeDimensionCount, c.vocabularySize] {
            hasher.combine(UInt64(value))
        }
        hasher.combine(UInt64(c.ropeFrequencyBase.bitPattern))
        hasher.combine(UInt64(c.rmsNormEpsilon.bitPattern))
        let file = model.file
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
