#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes GGUF version 3 files: metadata, the tensor table and tensor data, each tensor's data
/// starting at a multiple of the alignment.
///
/// Tensor data are produced on demand while the file is written, so a multi-gigabyte model can
/// be written (by the quantizer, say) without holding it in memory.
///
/// ```swift
/// var writer = GGUFWriter(metadata: file.metadata)
/// try writer.addTensor(name: "w", type: .f32, shape: [4], bytes: someBytes)
/// try writer.write(to: "out.gguf")
/// ```
public struct GGUFWriter {
    /// Fills a buffer of exactly the tensor's byte count with its data.
    public typealias Producer = (UnsafeMutableRawBufferPointer) throws -> Void

    private struct PendingTensor {
        let name: String
        let type: GGMLType
        let shape: [Int]
        let byteCount: Int
        let produce: Producer
    }

    /// The metadata to write, in order. `general.alignment`, when present, sets the alignment.
    public var metadata: GGUFMetadata
    private var tensors: [PendingTensor] = []
    private var names: Set<String> = []

    /// A writer that will write `metadata` and no tensors yet.
    public init(metadata: GGUFMetadata = GGUFMetadata()) {
        self.metadata = metadata
    }

    /// The alignment the file will use.
    public var alignment: Int {
        get throws(GGUFError) {
            guard let value = metadata["general.alignment"] else { return GGUFFile.defaultAlignment }
            guard value.type != .bool, let a = value.integerValue, a > 0, a & (a - 1) == 0 else {
                throw .invalidAlignment("\(value)")
            }
            return a
        }
    }

    /// Adds a tensor whose data will be produced by `producer` when the file is written.
    public mutating func addTensor(
        name: String, type: GGMLType, shape: [Int], producer: @escaping Producer
    ) throws(GGUFError) {
        guard !names.contains(name) else { throw .invalidWriterInput("duplicate tensor name '\(name)'") }
        guard (1...4).contains(shape.count), shape.allSatisfy({ $0 >= 0 }) else {
            throw .invalidWriterInput("tensor '\(name)' has shape \(shape) (1 to 4 non-negative dimensions)")
        }
        guard let layout = type.blockLayout else { throw .removedTensorType(type, tensor: name) }
        guard shape[0] % layout.elements == 0 else {
            throw .notBlockMultiple(tensor: name, type: type, firstDimension: UInt64(shape[0]), blockSize: layout.elements)
        }
        var elements = 1
        for d in shape {
            let (p, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow else { throw .tensorSizeOverflow(tensor: name, shape: shape.map(UInt64.init)) }
            elements = p
        }
        guard let byteCount = type.byteCount(elements: elements) else {
            throw .tensorSizeOverflow(tensor: name, shape: shape.map(UInt64.init))
        }
        names.insert(name)
        tensors.append(PendingTensor(name: name, type: type, shape: shape, byteCount: byteCount, produce: producer))
    }

    /// Adds a tensor with the given bytes, which must be exactly the size its type and shape require.
    public mutating func addTensor(name: String, type: GGMLType, shape: [Int], bytes: [UInt8]) throws(GGUFError) {
        try addTensor(name: name, type: type, shape: shape) { buffer in
            guard buffer.count == bytes.count else {
                throw GGUFError.invalidWriterInput(
                    "tensor '\(name)' needs \(buffer.count) bytes, \(bytes.count) given")
            }
            buffer.copyBytes(from: bytes)
        }
    }

    /// Writes the file to `path`, replacing any file there only once the whole file is on the disk
    /// (through ``AtomicFile``): a failure or a kill part-way leaves the previous file or none.
    public func write(to path: String) throws(GGUFError) {
        let alignment = try self.alignment
        var header = ByteWriter()
        header.append(GGUFFile.magic)
        header.append(UInt32(3))
        header.append(UInt64(tensors.count))
        header.append(UInt64(metadata.count))
        for (key, value) in metadata.entries {
            header.append(string: key)
            header.append(value.type.rawValue)
            header.append(value: value)
        }
        var offset = 0
        for t in tensors {
            header.append(string: t.name)
            header.append(UInt32(t.shape.count))
            for d in t.shape { header.append(UInt64(d)) }
            header.append(t.type.rawValue)
            header.append(UInt64(offset))
            offset = Self.align(offset + t.byteCount, alignment)
        }
        header.pad(to: alignment)

        let out = try AtomicFile(path: path)
        try out.write(header.bytes)

        var scratch = [UInt8]()
        for t in tensors {
            let padded = Self.align(t.byteCount, alignment)
            if scratch.count < padded { scratch = [UInt8](repeating: 0, count: padded) }
            let failure: (any Error)? = scratch.withUnsafeMutableBytes { buffer in
                buffer[t.byteCount..<padded].initializeMemory(as: UInt8.self, repeating: 0)
                do {
                    try t.produce(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<t.byteCount]))
                    return nil
                } catch {
                    return error
                }
            }
            if let failure {
                throw failure as? GGUFError
                    ?? .writeFailed(path: path, reason: "producing tensor '\(t.name)': \(failure)")
            }
            try out.write(scratch, count: padded)
        }
        try out.commit()
    }

    private static func align(_ value: Int, _ alignment: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }
}

/// Little-endian serialisation of GGUF header structures.
private struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(string: String) {
        append(UInt64(string.utf8.count))
        bytes.append(contentsOf: string.utf8)
    }

    mutating func append(value: GGUFValue) {
        switch value {
        case .uint8(let v): append(v)
        case .int8(let v): append(v)
        case .uint16(let v): append(v)
        case .int16(let v): append(v)
        case .uint32(let v): append(v)
        case .int32(let v): append(v)
        case .uint64(let v): append(v)
        case .int64(let v): append(v)
        case .float32(let v): append(v.bitPattern)
        case .float64(let v): append(v.bitPattern)
        case .bool(let v): append(UInt8(v ? 1 : 0))
        case .string(let s): append(string: s)
        case .array(let a): append(array: a)
        }
    }

    mutating func append(array: GGUFArray) {
        append(array.elementType.rawValue)
        append(UInt64(array.count))
        switch array {
        case .uint8(let a): a.forEach { append($0) }
        case .int8(let a): a.forEach { append($0) }
        case .uint16(let a): a.forEach { append($0) }
        case .int16(let a): a.forEach { append($0) }
        case .uint32(let a): a.forEach { append($0) }
        case .int32(let a): a.forEach { append($0) }
        case .uint64(let a): a.forEach { append($0) }
        case .int64(let a): a.forEach { append($0) }
        case .float32(let a): a.forEach { append($0.bitPattern) }
        case .float64(let a): a.forEach { append($0.bitPattern) }
        case .bool(let a): a.forEach { append(UInt8($0 ? 1 : 0)) }
        case .string(let a): a.forEach { append(string: $0) }
        case .array(let a): a.forEach { append(array: $0) }
        }
    }

    mutating func pad(to alignment: Int) {
        let padded = (bytes.count + alignment - 1) / alignment * alignment
        bytes.append(contentsOf: repeatElement(0, count: padded - bytes.count))
    }
}
