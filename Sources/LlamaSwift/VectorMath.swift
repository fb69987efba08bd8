import Foundation
#if LLAMA_AVX2
import _Builtin_intrinsics.intel
#endif

/// The small element-wise steps of the forward pass, on raw float buffers.
enum VectorMath {
    /// `out = x / rms(x) * weight`, with the mean of squares accumulated in double precision.
    static func rmsNorm(
        _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
        count: Int, epsilon: Float
    ) {
        var sum: Double = 0
        for i in 0..<count { sum += Double(x[i] * x[i]) }
        let scale = 1 / (Float(sum / Double(count)) + epsilon).squareRoot()
        for i in 0..<count { out[i] = x[i] * scale * weight[i] }
    }

    /// `x += y`.
    static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { x[i] += y[i] }
    }

    /// `gate = silu(gate) * up`, the SwiGLU activation, eight lanes at a time.
    static func swiglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let g = UnsafeRawPointer(gate + i).loadUnaligned(as: SIMD8<Float>.self)
            let u = UnsafeRawPointer(up + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(gate + i).storeBytes(of: g / (1 + exp(-g)) * u, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            let g = gate[i]
            gate[i] = g / (1 + Foundation.exp(-g)) * up[i]
            i += 1
        }
    }

    /// `gate = gelu(gate) * up`, GELU in its tanh form, eight lanes at a time:
    /// `0.5·g·(1 + tanh(z))` with `z = √(2/π)·(g + 0.044715·g³)`, computed as `g / (1 + e^(−2z))`
    /// (the same value: `(1 + tanh z) / 2` is the logistic function of `2z`). As llama.cpp's CPU
    /// does (it reads GELU from a table of half-precision values), the input and GELU's value are
    /// rounded to half precision for |g| < 10; above, GELU is `g`, below −10 it is 0.
    static func geglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
        let c = splat(Float(2 * (2 / Double.pi).squareRoot())), cubic = splat(0.044715)
        @inline(__always)
        func gelu(_ g: SIMD8<Float>) -> SIMD8<Float> {
            let h = halfRounded(g)
            let z = c * multiplyAdd(cubic * h * h, h, h)
            let value = halfRounded(h / (1 + exp(-z)))
            return value.replacing(with: g, where: g .>= splat(10)).replacing(with: 0, where: g .<= splat(-10))
        }
        var i = 0
        while i + 8 <= count {
            let g = UnsafeRawPointer(gate + i).loadUnaligned(as: SIMD8<Float>.self)
            let u = UnsafeRawPointer(up + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(gate + i).storeBytes(of: gelu(g) * u, as: SIMD8<Float>.self)
            i += 8
        }
        if i < count {
            var g = SIMD8<Float>()
            for j in i..<count { g[j - i] = gate[j] }
            let value = gelu(g)
            for j in i..<count { gate[j] = value[j - i] * up[j] }
        }
    }

    /// `x = cap · tanh(x / cap)`, eight lanes at a time, tanh as `1 − 2 / (1 + e^(2x/cap))`.
    static func softCap(_ x: UnsafeMutablePointer<Float>, cap: Float, count: Int) {
        let twice = 2 / cap
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let t = 1 - 2 / (1 + exp(v * splat(twice)))
            UnsafeMutableRawPointer(x + i).storeBytes(of: t * splat(cap), as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            x[i] = cap * Float(tanh(Double(x[i] / cap)))
            i += 1
        }
    }

    /// `x *= factor`.
    static func scale(_ x: UnsafeMutablePointer<Float>, by factor: Float, count: Int) {
        for i in 0..<count { x[i] *= factor }
    }

    /// eˣ in each lane, within 2 ulp of the exact value for x in [−87, 88] (clamped there, so
    /// very negative x give about 1e-38 rather than 0, and large x about 1.6e38 rather than
    /// infinity). x = k·ln 2 + r with |r| ≤ ln 2 / 2, eʳ by its degree-6 Taylor polynomial, 2ᵏ
    /// built in the exponent bits.
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let x = maximum(minimum(x, splat(88)), splat(-87))
        // Adding 1.5·2²³ rounds to an integer and leaves it in the low bits of the sum.
        let shifted = multiplyAdd(x, splat(1.442_695_04), splat(12_582_912))
        let k = shifted - splat(12_582_912)
        let r = multiplyAdd(k, splat(-1.428_606_8e-6), multiplyAdd(k, splat(-0.693_145_75), x))
        var p = multiplyAdd(r, splat(1.0 / 720), splat(1.0 / 120))
        p = multiplyAdd(p, r, splat(1.0 / 24))
        p = multiplyAdd(p, r, splat(1.0 / 6))
        p = multiplyAdd(p, r, splat(0.5))
        p = multiplyAdd(p, r, splat(1))
        p = multiplyAdd(p, r, splat(1))
        let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- SIMD8(repeating: 0x4B40_0000 - 127)) &<< SIMD8(repeating: 23)
        return p * unsafeBitCast(exponent, to: SIMD8<Float>.self)
    }

    // Eight-lane float operations that compile to one instruction each in the native x86 build.
    // The standard library's pointwiseMin/pointwiseMax are calls, not instructions, there; and a
    // fused multiply-add without the FMA extension (the portable build) is a library call per
    // lane, so the portable forms multiply and add separately.

    /// `a · b + c` in each lane (fused in the native x86 build).
    @inline(__always)
    static func multiplyAdd(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
        #if LLAMA_AVX2
        _mm256_fmadd_ps(a, b, c)
        #else
        a * b + c
        #endif
    }

    /// `x` in all eight lanes.
    @inline(__always)
    static func splat(_ x: Float) -> SIMD8<Float> {
        #if LLAMA_AVX2
        _mm256_set1_ps(x)
        #else
        SIMD8(repeating: x)
        #endif
    }

    /// The larger of `a` and `b` in each lane.
    @inline(__always)
    static func maximum(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        #if LLAMA_AVX2
        _mm256_max_ps(a, b)
        #else
        pointwiseMax(a, b)
        #endif
    }

    /// The smaller of `a` and `b` in each lane.
    @inline(__always)
    static func minimum(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        #if LLAMA_AVX2
        _mm256_min_ps(a, b)
        #else
        pointwiseMin(a, b)
        #endif
    }

    /// Rounds each of `count` floats to the nearest half-precision value, in place, as a store to
    /// and load from an F16 buffer would (values beyond the half range, ±65504, are not turned
    /// into infinities). Eight lanes at a time with float arithmetic only: a normal half keeps 11
    /// significant bits, which Veltkamp's split `t = 8193x, x' = t − (t − x)` rounds to; below
    /// 2⁻¹⁴ halves are multiples of 2⁻²⁴, which adding and removing 0.75 rounds to.
    static func roundToHalfPrecision(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let rounded = halfRounded
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(x + i).storeBytes(of: rounded(v), as: SIMD8<Float>.self)
            i += 8
        }
        if i < count {
            var v = SIMD8<Float>()
            for j in i..<count { v[j - i] = x[j] }
            let r = rounded(v)
            for j in i..<count { x[j] = r[j - i] }
        }
    }

    /// Each lane rounded to the nearest half-precision value, as ``roundToHalfPrecision(_:count:)``.
    @inline(__always)
    static func halfRounded(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let t = v * splat(8193)
        let normal = t - (t - v)
        let tiny = (v + splat(0.75)) - splat(0.75)
        // All ones where |v| < 2⁻¹⁴ (0x3880_0000): the magnitude's bits minus those of 2⁻¹⁴ go negative.
        let magnitude = unsafeBitCast(v, to: SIMD8<Int32>.self) & SIMD8(repeating: 0x7FFF_FFFF)
        let isTiny = (magnitude &- SIMD8(repeating: 0x3880_0000)) &>> SIMD8(repeating: 31)
        let bits = unsafeBitCast(normal, to: SIMD8<Int32>.self) & ~isTiny | unsafeBitCast(tiny, to: SIMD8<Int32>.self) & isTiny
        return unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    /// The dot product of two vectors, eight lanes at a time (the compiler does not reorder a
    /// scalar float sum into vector lanes by itself). Inlined: attention calls it once per cached
    /// position with head-sized vectors, where a call costs as much as the arithmetic.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            lanes += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var sum = lanes.sum()
        while i < count {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }

    /// `y += a * x`.
    @inline(__always)
    static func addScaled(_ y: UnsafeMutablePointer<Float>, _ a: Float, _ x: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += a * x[i] }
    }

    /// Replaces `x` by its softmax (exponentials eight lanes at a time).
    static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var largest = -Float.infinity
        for i in 0..<count { largest = max(largest, x[i]) }
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            let e = exp(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - largest)
            UnsafeMutableRawPointer(x + i).storeBytes(of: e, as: SIMD8<Float>.self)
            lanes += e
            i += 8
        }
        var sum = lanes.sum()
        while i < count {
            x[i] = Foundation.exp(x[i] - largest)
            sum += x[i]
            i += 1
        }
        let inverse = 1 / sum
        for i in 0..<count { x[i] *= inverse }
    }
}
