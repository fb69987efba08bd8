import GGUF

/// Plain scalar dequantization of GGUF blocks, written from the block layouts, as the reference
/// the shaders are checked against; and random, valid tensors in those layouts.
enum BlockReference {
    /// The elements of `rows` rows of `rowLength` elements stored as `type`.
    static func dequantize(_ bytes: [UInt8], type: GGMLType, rowLength: Int, rows: Int) -> [Float] {
        let count = rowLength * rows
        func half(_ offset: Int) -> Float { Float(Float16(bitPattern: UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8)) }
        var out = [Float](repeating: 0, count: count)
        switch type {
        case .f32:
            for i in 0..<count {
                out[i] = Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[4 * i + $1]) << (8 * $1) })
            }
        case .f16:
            for i in 0..<count { out[i] = half(2 * i) }
        case .q4_0:
            for block in 0..<(count / 32) {
                let base = block * 18
                let d = half(base)
                for i in 0..<16 {
                    let byte = bytes[base + 2 + i]
                    out[block * 32 + i] = Float(Int(byte & 0xF) - 8) * d
                    out[block * 32 + 16 + i] = Float(Int(byte >> 4) - 8) * d
                }
            }
        case .q8_0:
            for block in 0..<(count / 32) {
                let base = block * 34
                let d = half(base)
                for i in 0..<32 { out[block * 32 + i] = Float(Int8(bitPattern: bytes[base + 2 + i])) * d }
            }
        case .q5_K:
            for block in 0..<(count / 256) {
                let base = block * 176
                let d = half(base), dmin = half(base + 2)
                let packed = Array(bytes[(base + 4)..<(base + 16)])
                for sub in 0..<8 {
                    let scale: UInt8, minimum: UInt8
                    if sub < 4 {
                        scale = packed[sub] & 63
                        minimum = packed[sub + 4] & 63
                    } else {
                        scale = (packed[sub + 4] & 0xF) | ((packed[sub - 4] >> 6) << 4)
                        minimum = (packed[sub + 4] >> 4) | ((packed[sub] >> 6) << 4)
                    }
                    for l in 0..<32 {
                        let low = bytes[base + 48 + 32 * (sub / 2) + l]
                        let nibble = sub % 2 == 0 ? low & 0xF : low >> 4
                        let high = (bytes[base + 16 + l] >> sub) & 1
                        let q = Float(Int(nibble) + 16 * Int(high))
                        out[block * 256 + 32 * sub + l] = d * Float(scale) * q - dmin * Float(minimum)
                    }
                }
            }
        case .q6_K:
            for block in 0..<(count / 256) {
                let base = block * 210
                let d = half(base + 208)
                for e in 0..<256 {
                    let half128 = e / 128, quarter = (e % 128) / 32, l = e % 32
                    let low = bytes[base + 64 * half128 + 32 * (quarter % 2) + l]
                    let nibble = quarter < 2 ? low & 0xF : low >> 4
                    let high = (bytes[base + 128 + 32 * half128 + l] >> (2 * quarter)) & 3
                    let scale = Int8(bitPattern: bytes[base + 192 + e / 16])
                    out[block * 256 + e] = d * Float(scale) * Float((Int(nibble) | (Int(high) << 4)) - 32)
                }
            }
        default:
            break
        }
        return out
    }

    /// Random bytes of `rows` rows of `rowLength` elements of `type`, with every f16 scale a
    /// small finite number (and F16 / F32 elements in -1...1).
    static func randomTensor(type: GGMLType, rowLength: Int, rows: Int, using rng: inout SeededGenerator) -> [UInt8] {
        let count = rowLength * rows
        let layout = type.blockLayout!
        var bytes = (0..<(count / layout.elements * layout.bytes)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        func setHalf(_ offset: Int, _ value: Float) {
            let bits = Float16(value).bitPattern
            bytes[offset] = UInt8(bits & 0xFF)
            bytes[offset + 1] = UInt8(bits >> 8)
        }
        switch type {
        case .f32:
            for i in 0..<count {
                let bits = Float.random(in: -1...1, using: &rng).bitPattern
                for b in 0..<4 { bytes[4 * i + b] = UInt8((bits >> (8 * b)) & 0xFF) }
            }
        case .f16:
            for i in 0..<count { setHalf(2 * i, Float.random(in: -1...1, using: &rng)) }
        case .q4_0, .q8_0:
            for block in 0..<(count / 32) { setHalf(block * layout.bytes, Float.random(in: 0.001...0.05, using: &rng)) }
        case .q5_K:
            for block in 0..<(count / 256) {
                setHalf(block * 176, Float.random(in: 0.0005...0.005, using: &rng))
                setHalf(block * 176 + 2, Float.random(in: 0.0005...0.005, using: &rng))
            }
        case .q6_K:
            for block in 0..<(count / 256) { setHalf(block * 210 + 208, Float.random(in: 0.0005...0.005, using: &rng)) }
        default:
            break
        }
        return bytes
    }
}

/// SplitMix64: reproducible random numbers for the shader tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` floats in `range`.
    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }
}
