/// Builds GGUF bytes field by field, so tests can make files the writer would refuse to make.
struct RawGGUF {
    var bytes: [UInt8] = []

    /// A header: magic, version, tensor count, key count.
    static func header(version: UInt32 = 3, tensors: UInt64, keys: UInt64) -> RawGGUF {
        var raw = RawGGUF()
        raw.bytes += Array("GGUF".utf8)
        raw.u32(version)
        raw.u64(tensors)
        raw.u64(keys)
        return raw
    }

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += Array(s.utf8) }

    /// A metadata entry with a UINT32 value.
    mutating func kvU32(_ key: String, _ value: UInt32) { string(key); u32(4); u32(value) }

    /// A tensor table entry.
    mutating func tensor(_ name: String, type: UInt32, shape: [UInt64], offset: UInt64) {
        string(name)
        u32(UInt32(shape.count))
        shape.forEach { u64($0) }
        u32(type)
        u64(offset)
    }

    /// Zero bytes up to the next multiple of `alignment`, then `count` data bytes.
    mutating func data(alignment: Int = 32, count: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
        bytes += [UInt8](repeating: 0, count: count)
    }
}
