/// A bounds-checked little-endian cursor over the bytes of a GGUF file.
/// Every read names what it reads so that a short file is reported precisely.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func require(_ count: Int, _ what: @autoclosure () -> String) throws(GGUFError) {
        guard count <= remaining else {
            throw .truncated(what: what(), offset: offset, needed: count, fileSize: bytes.count)
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        try require(MemoryLayout<T>.size, what())
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readFloat(_ what: @autoclosure () -> String) throws(GGUFError) -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readDouble(_ what: @autoclosure () -> String) throws(GGUFError) -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    /// Reads a count and checks that `count * minimumElementSize` bytes could follow.
    mutating func readCount(_ what: @autoclosure () -> String, minimumElementSize: Int) throws(GGUFError) -> Int {
        let start = offset
        let raw = try read(UInt64.self, what())
        guard raw <= UInt64(Int.max) / UInt64(max(minimumElementSize, 1)),
              Int(raw) * minimumElementSize <= remaining
        else { throw .countTooLarge(what: what(), offset: start, count: raw) }
        return Int(raw)
    }

    mutating func readString(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
        let start = offset
        let length = try readCount("length of \(what())", minimumElementSize: 1)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw .invalidUTF8(what: what(), offset: start)
        }
        offset += length
        return string
    }

    mutating func readArray<T: FixedWidthInteger>(_: T.Type, count: Int) -> [T] {
        let size = MemoryLayout<T>.size
        let result = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                buffer[i] = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + i * size, as: T.self))
            }
            initialized = count
        }
        offset += count * size
        return result
    }
}
