// Shared pieces of the float-to-block encoders.

/// The value of largest magnitude among `count` floats, sign kept (0 for none).
func signedMaxMagnitude(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
    var best: Float = 0
    for i in 0..<count where x[i].magnitude > best.magnitude { best = x[i] }
    return best
}

/// `value` truncated towards zero into `0...limit` (NaN gives `limit`; never traps).
@inline(__always)
func truncatedCode(_ value: Float, limit: Int) -> Int {
    Int(max(0, min(Float(limit), value)))
}

/// `value` rounded half away from zero into `lower...upper` (NaN gives `upper`; never traps).
@inline(__always)
func roundedCode(_ value: Float, _ lower: Int, _ upper: Int) -> Int {
    Int(max(Float(lower), min(Float(upper), value.rounded())))
}

/// 1 / d, or 0 when d is 0 (an all-zero block encodes as zeros).
@inline(__always)
func inverse(_ d: Float) -> Float { d == 0 ? 0 : 1 / d }

/// `value` after a round trip through half precision: the scale a block will actually decode with.
@inline(__always)
func halfRounded(_ value: Float) -> Float { halfToFloat(floatToHalf(value)) }
