// Scale search for the K-quant encoders. Each sub-block of a K-quant has its own scale (and for
// some types an offset); these find good ones by trying a range of candidate scales, rounding the
// values to codes with each, refitting scale (and offset) to those codes by least squares, and
// keeping the fit with the smallest squared error.

/// The scale `s` minimising Σ (x − s·q)² with integer codes q in `lower...upper`.
/// The result may be negative: then the value of largest magnitude uses the longer side of an
/// asymmetric code range (−32...31 reaches 32 only on the negative side).
func fitSymmetricScale(_ x: UnsafePointer<Float>, count: Int, lower: Int, upper: Int) -> Float {
    let extreme = signedMaxMagnitude(x, count)
    guard extreme != 0, extreme.isFinite else { return 0 }
    var best: Float = 0
    var bestError = Float.infinity
    // The extreme value lands near code `lower` or near `upper`, give or take a code.
    for limit in [Float(lower), Float(upper)] {
        for step in -10...10 {
            let target = limit + Float(step) * 0.1 * (limit < 0 ? -1 : 1)
            guard target.magnitude >= 0.5 else { continue }
            let trial = extreme / target
            var xq: Float = 0, qq: Float = 0
            for i in 0..<count {
                let q = Float(roundedCode(x[i] / trial, lower, upper))
                xq += x[i] * q
                qq += q * q
            }
            guard qq > 0 else { continue }
            let scale = xq / qq
            var error: Float = 0
            for i in 0..<count {
                let q = Float(roundedCode(x[i] / scale, lower, upper))
                let e = x[i] - scale * q
                error += e * e
            }
            if error < bestError { bestError = error; best = scale }
        }
    }
    return best
}

/// The scale `s ≥ 0` and minimum `m ≥ 0` minimising Σ (x − (s·q − m))² with codes q in
/// `0...upper`. K-quants can only subtract a minimum, so blocks that are all positive get m = 0.
func fitScaleAndMinimum(_ x: UnsafePointer<Float>, count: Int, upper: Int) -> (scale: Float, minimum: Float) {
    var low = min(Float(0), x[0]), high = x[0]
    for i in 1..<count { low = min(low, x[i]); high = max(high, x[i]) }
    guard high > low, (high - low).isFinite else { return (0, low.isFinite ? -low : 0) }
    var best = (scale: (high - low) / Float(upper), minimum: -low)
    var bestError = Float.infinity
    for step in -10...10 {
        var scale = (high - low) / (Float(upper) + Float(step) * 0.1)
        var offset = low
        // Two rounds of: codes from the current fit, then the least-squares fit for those codes.
        for _ in 0..<2 {
            let id = inverse(scale)
            var n: Float = 0, sq: Float = 0, sqq: Float = 0, sx: Float = 0, sxq: Float = 0
            for i in 0..<count {
                let q = Float(roundedCode((x[i] - offset) * id, 0, upper))
                n += 1; sq += q; sqq += q * q; sx += x[i]; sxq += x[i] * q
            }
            let det = n * sqq - sq * sq
            if det > 0 {
                scale = (n * sxq - sq * sx) / det
                offset = (sqq * sx - sq * sxq) / det
            }
            if offset > 0 || det <= 0 {
                offset = 0
                scale = sqq > 0 ? sxq / sqq : 0
            }
            scale = max(scale, 0)
        }
        let id = inverse(scale)
        var error: Float = 0
        for i in 0..<count {
            let q = Float(roundedCode((x[i] - offset) * id, 0, upper))
            let e = x[i] - (scale * q + offset)
            error += e * e
        }
        if error < bestError { bestError = error; best = (scale, -offset) }
    }
    return best
}

/// Quantizes non-negative per-sub-block values to codes `0...upper` sharing one half-precision
/// super-scale; returns the super-scale as stored (half bits) and as decoded, and the codes.
func quantizeSubScales(_ values: [Float], upper: Int) -> (bits: UInt16, scale: Float, codes: [Int]) {
    let largest = values.max() ?? 0
    let bits = floatToHalf(largest / Float(upper))
    let scale = halfToFloat(bits)
    let id = inverse(scale)
    return (bits, scale, values.map { roundedCode($0 * id, 0, upper) })
}

/// Quantizes signed per-sub-block scales to codes `-limit...limit` sharing one half-precision
/// super-scale.
func quantizeSignedSubScales(_ values: [Float], limit: Int) -> (bits: UInt16, scale: Float, codes: [Int]) {
    let largest = values.map(\.magnitude).max() ?? 0
    let bits = floatToHalf(largest / Float(limit))
    let scale = halfToFloat(bits)
    let id = inverse(scale)
    return (bits, scale, values.map { roundedCode($0 * id, -limit, limit) })
}

/// Fits and writes the super-scales and packed sub-block scales/minimums of one Q4_K/Q5_K block
/// (bytes 0–15) and returns the 256 codes (0...upper) for the caller to pack.
func quantizeScaleMinBlock(_ x: UnsafePointer<Float>, _ block: UnsafeMutableRawPointer, upper: Int) -> [Int] {
    var subScales = [Float](repeating: 0, count: 8), subMinimums = [Float](repeating: 0, count: 8)
    for sub in 0..<8 {
        (subScales[sub], subMinimums[sub]) = fitScaleAndMinimum(x + sub * 32, count: 32, upper: upper)
    }
    let scales = quantizeSubScales(subScales, upper: 63)
    let minimums = quantizeSubScales(subMinimums, upper: 63)
    block.storeBytes(of: scales.bits, toByteOffset: ScaleMinHead.dOffset, as: UInt16.self)
    block.storeBytes(of: minimums.bits, toByteOffset: ScaleMinHead.dminOffset, as: UInt16.self)
    packScaleMins(scales: scales.codes, minimums: minimums.codes, block + ScaleMinHead.scalesOffset)
    var codes = [Int](repeating: 0, count: 256)
    for sub in 0..<8 {
        let step = scales.scale * Float(scales.codes[sub])
        let offset = minimums.scale * Float(minimums.codes[sub])
        let id = inverse(step)
        for j in 0..<32 { codes[sub * 32 + j] = roundedCode((x[sub * 32 + j] + offset) * id, 0, upper) }
    }
    return codes
}
