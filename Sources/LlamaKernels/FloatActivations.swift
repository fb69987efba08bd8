/// Activations kept as plain floats, for F32 weights.
enum FloatActivation: ActivationFormat {
    static var blockElements: Int { 1 }
    static var blockBytes: Int { 4 }
    static func encode(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        dst.copyMemory(from: src, byteCount: blocks * 4)
    }
}

/// Activations for the 16-bit float weight types: floats, with each run of 8 reordered as
/// x0 x2 x4 x6 x1 x3 x5 x7. Eight 16-bit weights loaded as four 32-bit lanes come apart most
/// cheaply into their low halves (weights 0, 2, 4, 6) and high halves (1, 3, 5, 7); this order
/// lines the activations up with them. A final run shorter than 8 stays in order.
enum PairedFloatActivation: ActivationFormat {
    static var blockElements: Int { 1 }
    static var blockBytes: Int { 4 }
    static func encode(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        let out = dst.assumingMemoryBound(to: Float.self)
        let whole = blocks / 8 * 8
        for start in stride(from: 0, to: whole, by: 8) {
            for j in 0..<4 {
                out[start + j] = src[start + 2 * j]
                out[start + 4 + j] = src[start + 2 * j + 1]
            }
        }
        for i in whole..<blocks { out[i] = src[i] }
    }
}
