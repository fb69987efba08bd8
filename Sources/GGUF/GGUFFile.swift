#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A GGUF file (version 2 or 3), memory-mapped read-only and fully validated on open.
///
/// Metadata and the tensor table are parsed eagerly; tensor data stay in the mapping and are
/// handed out as zero-copy views, so opening even a 70B model touches only its header pages.
///
/// ```swift
/// let file = try GGUFFile(path: "model.gguf")
/// print(try file.metadata.string("general.architecture"))
/// let embd = try file.tensor(named: "token_embd.weight")
/// let bytes = file.data(for: embd)   // UnsafeRawBufferPointer into the mapping
/// ```
public final class GGUFFile: Sendable {
    /// The four bytes every GGUF file starts with, read as a little-endian `UInt32`.
    public static let magic: UInt32 = 0x4655_4747
    /// The alignment used when `general.alignment` is absent.
    public static let defaultAlignment = 32
    /// The most array nesting the reader accepts.
    static let maximumNesting = 16

    /// Path the file was opened from.
    public let path: String
    /// Format version (2 or 3).
    public let version: UInt32
    /// Alignment of tensor data (from `general.alignment`, default 32).
    public let alignment: Int
    /// Absolute offset of the tensor data section.
    public let dataOffset: Int
    /// All metadata, in file order.
    public let metadata: GGUFMetadata
    /// The tensor table, in file order.
    public let tensors: [GGUFTensorInfo]
    /// Size of the file in bytes.
    public var fileSize: Int { mapping.bytes.count }

    private let mapping: MappedFile
    private let tensorIndex: [String: Int]

    /// Opens and validates the file at `path`.
    public convenience init(path: String) throws(GGUFError) {
        try self.init(mapping: try MappedFile(path: path))
    }

    /// Validates a GGUF file held in memory (downloaded, embedded, or passed in by a host) and
    /// keeps a copy of it; `name` stands for the path in ``path`` and in errors.
    public convenience init(bytes: some Collection<UInt8>, name: String = "(memory)") throws(GGUFError) {
        let mapping = bytes.withContiguousStorageIfAvailable { MappedFile(copying: UnsafeRawBufferPointer($0), name: name) }
            ?? Array(bytes).withUnsafeBytes { MappedFile(copying: $0, name: name) }
        try self.init(mapping: mapping)
    }

    private init(mapping: MappedFile) throws(GGUFError) {
        self.mapping = mapping
        self.path = mapping.path
        var reader = ByteReader(mapping.bytes)

        let magic = try reader.read(UInt32.self, "magic")
        guard magic == GGUFFile.magic else { throw .badMagic(found: magic) }
        version = try reader.read(UInt32.self, "version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(version) }

        let tensorCount = try reader.readCount("tensor count", minimumElementSize: 0)
        let keyCount = try reader.readCount("metadata key count", minimumElementSize: 12)

        var metadata = GGUFMetadata()
        for i in 0..<keyCount {
            let keyOffset = reader.offset
            let key = try reader.readString("key of metadata entry \(i)")
            let typeOffset = reader.offset
            let rawType = try reader.read(UInt32.self, "type of key '\(key)'")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw .unknownValueType(rawType, key: key, offset: typeOffset)
            }
            let value = try GGUFFile.readValue(type, key: key, depth: 0, from: &reader)
            guard metadata[key] == nil else { throw .duplicateKey(key, offset: keyOffset) }
            metadata[key] = value
        }
        self.metadata = metadata

        // The tensor count is checked against the bytes left only now that the metadata is read:
        // each entry takes at least 24 bytes (name length, dimension count, type, offset).
        guard tensorCount <= reader.remaining / 24 else {
            throw .countTooLarge(what: "tensor count", offset: 8, count: UInt64(tensorCount))
        }

        var alignment = GGUFFile.defaultAlignment
        if let value = metadata["general.alignment"] {
            guard value.type != .bool, let a = value.integerValue, a > 0, a & (a - 1) == 0 else {
                throw .invalidAlignment("\(value)")
            }
            alignment = a
        }
        self.alignment = alignment

        struct RawTensor { let name: String; let type: GGMLType; let shape: [Int]; let offset: UInt64; let entryOffset: Int }
        var raw: [RawTensor] = []
        raw.reserveCapacity(tensorCount)
        var index: [String: Int] = [:]
        for i in 0..<tensorCount {
            let entryOffset = reader.offset
            let name = try reader.readString("name of tensor \(i)")
            let dimsOffset = reader.offset
            let dimCount = try reader.read(UInt32.self, "dimension count of tensor '\(name)'")
            guard (1...4).contains(dimCount) else {
                throw .invalidDimensionCount(Int(dimCount), tensor: name, offset: dimsOffset)
            }
            var dims: [UInt64] = []
            for d in 0..<Int(dimCount) {
                dims.append(try reader.read(UInt64.self, "dimension \(d) of tensor '\(name)'"))
            }
            let typeOffset = reader.offset
            let rawType = try reader.read(UInt32.self, "type of tensor '\(name)'")
            guard let type = GGMLType(rawValue: rawType) else {
                throw .unknownTensorType(rawType, tensor: name, offset: typeOffset)
            }
            let offset = try reader.read(UInt64.self, "data offset of tensor '\(name)'")
            guard index[name] == nil else { throw .duplicateTensor(name, offset: entryOffset) }
            guard let layout = type.blockLayout else { throw .removedTensorType(type, tensor: name) }
            var elements = 1
            var shape: [Int] = []
            for d in dims {
                guard let di = Int(exactly: d) else { throw .tensorSizeOverflow(tensor: name, shape: dims) }
                let (product, overflow) = elements.multipliedReportingOverflow(by: di)
                guard !overflow else { throw .tensorSizeOverflow(tensor: name, shape: dims) }
                elements = product
                shape.append(di)
            }
            guard shape[0] % layout.elements == 0 else {
                throw .notBlockMultiple(tensor: name, type: type, firstDimension: dims[0], blockSize: layout.elements)
            }
            guard offset % UInt64(alignment) == 0 else {
                throw .misalignedTensor(tensor: name, offset: offset, alignment: alignment)
            }
            index[name] = raw.count
            raw.append(RawTensor(name: name, type: type, shape: shape, offset: offset, entryOffset: entryOffset))
        }

        // Data start at the next multiple of the alignment after the tensor table.
        let dataOffset = (reader.offset + alignment - 1) / alignment * alignment
        self.dataOffset = dataOffset
        let fileSize = mapping.bytes.count
        tensors = try raw.map { (t: RawTensor) throws(GGUFError) -> GGUFTensorInfo in
            let elements = t.shape.reduce(1, *)
            guard let byteCount = t.type.byteCount(elements: elements),
                  let relative = Int(exactly: t.offset)
            else { throw .tensorSizeOverflow(tensor: t.name, shape: t.shape.map(UInt64.init)) }
            let (absolute, o1) = dataOffset.addingReportingOverflow(relative)
            let (end, o2) = absolute.addingReportingOverflow(byteCount)
            guard !o1, !o2, end <= fileSize else {
                throw .tensorDataOutOfBounds(
                    tensor: t.name, offset: o1 ? Int.max : absolute, byteCount: byteCount, fileSize: fileSize)
            }
            return GGUFTensorInfo(
                name: t.name, type: t.type, shape: t.shape,
                relativeOffset: relative, offset: absolute, byteCount: byteCount)
        }
        tensorIndex = index
    }

    /// The tensor called `name`, or ``GGUFError/missingTensor(_:)``.
    public func tensor(named name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let i = tensorIndex[name] else { throw .missingTensor(name) }
        return tensors[i]
    }

    /// The tensor called `name`, or `nil`.
    public func tensorIfPresent(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The bytes of a tensor, a view into the mapping that stays valid as long as this file object lives.
    public func data(for tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: mapping.bytes[tensor.offset..<(tensor.offset + tensor.byteCount)])
    }

    /// Calls `body` with the bytes of a tensor; the view must not escape the closure.
    public func withData<R>(for tensor: GGUFTensorInfo, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(data(for: tensor))
    }

    private static func readValue(
        _ type: GGUFValueType, key: String, depth: Int, from reader: inout ByteReader
    ) throws(GGUFError) -> GGUFValue {
        let what = "value of key '\(key)'"
        switch type {
        case .uint8: return .uint8(try reader.read(UInt8.self, what))
        case .int8: return .int8(try reader.read(Int8.self, what))
        case .uint16: return .uint16(try reader.read(UInt16.self, what))
        case .int16: return .int16(try reader.read(Int16.self, what))
        case .uint32: return .uint32(try reader.read(UInt32.self, what))
        case .int32: return .int32(try reader.read(Int32.self, what))
        case .uint64: return .uint64(try reader.read(UInt64.self, what))
        case .int64: return .int64(try reader.read(Int64.self, what))
        case .float32: return .float32(try reader.readFloat(what))
        case .float64: return .float64(try reader.readDouble(what))
        case .bool: return .bool(try reader.read(UInt8.self, what) != 0)
        case .string: return .string(try reader.readString(what))
        case .array: return .array(try readArray(key: key, depth: depth, from: &reader))
        }
    }

    private static func readArray(key: String, depth: Int, from reader: inout ByteReader) throws(GGUFError) -> GGUFArray {
        let typeOffset = reader.offset
        guard depth < maximumNesting else { throw .nestingTooDeep(key: key, offset: typeOffset) }
        let rawType = try reader.read(UInt32.self, "element type of array '\(key)'")
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw .unknownValueType(rawType, key: key, offset: typeOffset)
        }
        let count = try reader.readCount("element count of array '\(key)'", minimumElementSize: type.minimumEncodedSize)
        switch type {
        case .uint8: return .uint8(reader.readArray(UInt8.self, count: count))
        case .int8: return .int8(reader.readArray(Int8.self, count: count))
        case .uint16: return .uint16(reader.readArray(UInt16.self, count: count))
        case .int16: return .int16(reader.readArray(Int16.self, count: count))
        case .uint32: return .uint32(reader.readArray(UInt32.self, count: count))
        case .int32: return .int32(reader.readArray(Int32.self, count: count))
        case .uint64: return .uint64(reader.readArray(UInt64.self, count: count))
        case .int64: return .int64(reader.readArray(Int64.self, count: count))
        case .float32: return .float32(reader.readArray(UInt32.self, count: count).map(Float.init(bitPattern:)))
        case .float64: return .float64(reader.readArray(UInt64.self, count: count).map(Double.init(bitPattern:)))
        case .bool: return .bool(reader.readArray(UInt8.self, count: count).map { $0 != 0 })
        case .string:
            var strings: [String] = []
            strings.reserveCapacity(count)
            for i in 0..<count { strings.append(try reader.readString("element \(i) of array '\(key)'")) }
            return .string(strings)
        case .array:
            var arrays: [GGUFArray] = []
            arrays.reserveCapacity(count)
            for _ in 0..<count { arrays.append(try readArray(key: key, depth: depth + 1, from: &reader)) }
            return .array(arrays)
        }
    }
}

extension GGUFFile {
    /// Reads every page of the tensor data once, so that later passes over the weights do not
    /// wait for the disk, reporting the fraction done (0...1) to `progress` as it goes.
    ///
    /// Opening a file never reads its data; call this to pay for the reading up front, for
    /// example behind a progress bar when a large model sits on a slow disk.
    /// - Returns: a checksum of the bytes touched, so that the reads cannot be optimised away.
    @discardableResult
    public func prefetch(progress: ((Double) -> Void)? = nil) -> UInt64 {
        prefetch(tensors, progress: progress)
    }

    /// ``prefetch(progress:)`` for the data of `tensors` only.
    @discardableResult
    public func prefetch(_ tensors: [GGUFTensorInfo], progress: ((Double) -> Void)? = nil) -> UInt64 {
        let page = 4096
        let reportEvery = 64 << 20
        let total = tensors.reduce(0) { $0 + $1.byteCount }
        var done = 0, reported = 0
        var checksum: UInt64 = 0
        for tensor in tensors {
            let bytes = data(for: tensor)
            guard let base = bytes.baseAddress else { continue }
            for position in stride(from: 0, to: bytes.count, by: page) {
                checksum &+= UInt64(base.load(fromByteOffset: position, as: UInt8.self))
            }
            done += bytes.count
            if done - reported >= reportEvery || done == total {
                reported = done
                progress?(total == 0 ? 1 : Double(done) / Double(total))
            }
        }
        return checksum
    }
}

extension GGUFFile {
    /// Lets the system drop the pages of `tensors`' data from this process's memory, for tensors
    /// whose bytes have been copied elsewhere (such as weights rearranged for the CPU kernels).
    ///
    /// The mapping stays valid: a page touched again is read back from the file. Only pages that
    /// lie wholly inside a tensor's data are released, so neighbouring tensors keep theirs.
    public func releasePages(of tensors: [GGUFTensorInfo]) {
        for tensor in tensors { releasePages(of: tensor, bytes: 0..<tensor.byteCount) }
    }

    /// ``releasePages(of:)`` for the bytes `range` (offsets into the tensor's data, clamped to
    /// it) of one tensor: the pages wholly inside that range. Safe to call from several threads
    /// at once, as a copy of a large tensor finishes with each part of it.
    public func releasePages(of tensor: GGUFTensorInfo, bytes range: Range<Int>) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let data = self.data(for: tensor)
        guard page > 0, let base = mapping.bytes.baseAddress, let start = data.baseAddress else { return }
        let lower = Int(bitPattern: start) + max(0, range.lowerBound)
        let upper = Int(bitPattern: start) + min(data.count, range.upperBound)
        let first = (lower + page - 1) / page * page
        let end = upper / page * page
        guard end > first, first >= Int(bitPattern: base) else { return }
        madvise(UnsafeMutableRawPointer(bitPattern: first), end - first, Int32(MADV_DONTNEED))
    }
}

