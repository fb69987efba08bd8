import FixtureSupport
import GGUF
@testable import LlamaKernels
import Testing

/// The SIMD dot products against a plain double-precision reference over decoded values.
@Suite struct DotProductTests {
    /// Decodes an activation row encoded as `A` (test-side, written from the layouts' comments).
    static func decodeActivation<A: ActivationFormat>(_: A.Type, _ p: UnsafeRawPointer, count: Int) -> [Double] {
        var out: [Double] = []
        if A.self == FloatActivation.self {
            for i in 0..<count { out.append(Double(p.loadUnaligned(fromByteOffset: 4 * i, as: Float.self))) }
        } else if A.self == PairedFloatActivation.self {
            // Runs of 8 stored as x0 x2 x4 x6 x1 x3 x5 x7; a shorter final run in order.
            for i in 0..<count {
                let start = i / 8 * 8
                let slot = start + 8 <= count ? start + (i % 2) * 4 + (i % 8) / 2 : i
                out.append(Double(p.loadUnaligned(fromByteOffset: 4 * slot, as: Float.self)))
            }
        } else if A.self == Q8x32.self {
            for b in 0..<count / 32 {
                let block = b * Q8x32.blockBytes
                let d = Double(p.loadUnaligned(fromByteOffset: block + Q8x32.dOffset, as: Float.self))
                for i in 0..<32 { out.append(d * Double(p.load(fromByteOffset: block + Q8x32.valuesOffset + i, as: Int8.self))) }
            }
        } else {
            // Q8xK, or Q8xKGrouped: value 16g + 2s + t (t = 0, 1) stored at 32s + 2g + t.
            let grouped = A.self == Q8xKGrouped.self
            for b in 0..<count / 256 {
                let block = b * Q8xK.blockBytes
                let d = Double(p.loadUnaligned(fromByteOffset: block + Q8xK.dOffset, as: Float.self))
                for i in 0..<256 {
                    let slot = grouped ? 32 * ((i % 16) / 2) + 2 * (i / 16) + i % 2 : i
                    out.append(d * Double(p.load(fromByteOffset: block + Q8xK.valuesOffset + slot, as: Int8.self)))
                }
            }
        }
        return out
    }

    /// The format of `type`'s file blocks, then, where this build has one, its repacked layout.
    static func formats(_ type: GGMLType) -> [any BlockFormat.Type] {
        let format = Kernels.format(for: type)!
        return [format] + (format.repacked.map { [$0] } ?? [])
    }

    /// `values` encoded in `F`'s layout.
    static func encoded<F: BlockFormat>(_: F.Type, _ values: [Float]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count / F.blockElements * F.blockBytes)
        bytes.withUnsafeMutableBytes { F.quantize(values, $0.baseAddress!, blocks: values.count / F.blockElements) }
        return bytes
    }

    /// (kernel dot, reference dot over decoded weights and decoded activation, Σ |w·a|).
    static func dots<F: BlockFormat>(_: F.Type, weights: [Float], x: [Float]) throws -> (Float, Double, Double) {
        let row = encoded(F.self, weights)
        var decodedWeights = [Float](repeating: .nan, count: weights.count)
        row.withUnsafeBytes { r in
            decodedWeights.withUnsafeMutableBufferPointer { F.dequantize(r.baseAddress!, $0.baseAddress!, blocks: weights.count / F.blockElements) }
        }
        let activation = Products.encodeActivation(F.self, x, count: x.count)
        defer { activation.deallocate() }
        let a = decodeActivation(F.Activation.self, activation, count: x.count)
        var reference = 0.0, magnitude = 0.0
        for i in 0..<x.count {
            reference += Double(decodedWeights[i]) * a[i]
            magnitude += abs(Double(decodedWeights[i]) * a[i])
        }
        let dot = row.withUnsafeBytes { F.dot($0.baseAddress!, activation, blocks: x.count / F.blockElements) }
        return (dot, reference, magnitude)
    }

    /// Also checks the activation encodings: every 8-bit value is within half a step of x. Each
    /// type's repacked layout (the native build's K-quants) is checked as well: its dot reads
    /// its own blocks and activation encoding.
    @Test(arguments: allTypes)
    func simdDotEqualsScalarReference(_ type: GGMLType) throws {
        for format in Self.formats(type) {
            var rng = SplitMix64(seed: 4)
            for trial in 0..<8 {
                // Float types also get lengths that leave a tail shorter than a SIMD run.
                let count = 256 * (trial + 1) + ((type.blockLayout!.elements == 1) ? trial * 3 : 0)
                let weights = rng.weights(count)
                let x = (0..<count).map { _ in rng.gaussian() }
                let (dot, reference, magnitude) = try Self.dots(format, weights: weights, x: x)
                // Integer sums are exact; what remains is float rounding of per-block scales and
                // partial sums: a few float32 ulps of Σ|w·a|.
                #expect(abs(Double(dot) - reference) <= 1e-5 * magnitude, "\(format) n=\(count): \(dot) vs \(reference)")
            }
        }
    }

    /// Types with a native (AVX2 or AVX512VNNI trait) dot over the file's layout keep their portable one; in a
    /// native build this checks one against the other, in a portable build that the dispatch picks the
    /// portable one. (The K-quants' dot over the file's layout is the portable one in every build; their
    /// native dots read the repacked layout, checked against the reference above and, through
    /// `Kernels.prepared`, against the file layout's products in `PreparedMatrixTests`.)
    @Test func nativeDotsAgreeWithPortableOnes() throws {
        var rng = SplitMix64(seed: 13)
        let count = 4096
        let x = (0..<count).map { _ in rng.gaussian() }
        func check<F: BlockFormat>(_: F.Type, _ portable: (UnsafeRawPointer, UnsafeRawPointer, Int) -> Float) throws {
            let row = try quantized(rng.weights(count), as: F.type)
            let activation = Products.encodeActivation(F.self, x, count: count)
            defer { activation.deallocate() }
            let blocks = count / F.blockElements
            let (native, reference) = row.withUnsafeBytes { w in
                (F.dot(w.baseAddress!, activation, blocks: blocks), portable(w.baseAddress!, activation, blocks))
            }
            #expect(abs(native - reference) <= 1e-5 * max(1, abs(reference)), "\(F.type.name): \(native) vs \(reference)")
        }
        try check(Q4_0Format.self) { Q4_0Format.dotPortable($0, $1, blocks: $2) }
        try check(Q8_0Format.self) { Q8_0Format.dotPortable($0, $1, blocks: $2) }
        try check(Q4_1Format.self) { Q4_1Format.dotPortable($0, $1, blocks: $2) }
        try check(Q5_0Format.self) { Q5_0Format.dotPortable($0, $1, blocks: $2) }
        try check(Q5_1Format.self) { Q5_1Format.dotPortable($0, $1, blocks: $2) }
    }

    /// Runs `dotRows` for 1 to 9 activation rows (whole groups of four and leftovers) into a
    /// strided output and expects each result to equal its single-row dot bit for bit; with odd
    /// block counts where the block size allows.
    static func checkDotRows<F: BlockFormat>(
        _: F.Type,
        multi: (UnsafeRawPointer, UnsafeRawPointer, Int, Int, Int, UnsafeMutablePointer<Float>, Int) -> Void,
        single: (UnsafeRawPointer, UnsafeRawPointer, Int) -> Float
    ) throws {
        var rng = SplitMix64(seed: 21)
        let count = F.blockElements == 256 ? 768 : 800
        let blocks = count / F.blockElements
        let row = encoded(F.self, rng.weights(count))
        let rowBytes = blocks * F.activationBytesPerBlock
        let outStride = 3
        for rows in 1...9 {
            let activations = UnsafeMutableRawPointer.allocate(byteCount: rows * rowBytes, alignment: 64)
            defer { activations.deallocate() }
            for i in 0..<rows {
                let x = (0..<count).map { _ in rng.gaussian() }
                F.Activation.encode(x, activations + i * rowBytes, blocks: count / F.Activation.blockElements)
            }
            var out = [Float](repeating: .nan, count: rows * outStride)
            row.withUnsafeBytes { w in
                out.withUnsafeMutableBufferPointer { multi(w.baseAddress!, activations, rowBytes, rows, blocks, $0.baseAddress!, outStride) }
            }
            for i in 0..<rows {
                let expected = row.withUnsafeBytes { single($0.baseAddress!, activations + i * rowBytes, blocks) }
                #expect(out[i * outStride] == expected, "\(F.self) rows=\(rows) row \(i)")
            }
        }
    }

    /// In each type's file layout and, where it has one, its repacked layout.
    @Test(arguments: allTypes)
    func dotRowsEqualSingleRowDots(_ type: GGMLType) throws {
        func check<F: BlockFormat>(_ format: F.Type) throws {
            try Self.checkDotRows(format, multi: { F.dotRows($0, $1, activationStride: $2, rows: $3, blocks: $4, $5, outStride: $6) },
                                  single: { F.dot($0, $1, blocks: $2) })
        }
        for format in Self.formats(type) { try check(format) }
    }

    /// The portable multi-row dots against the portable single-row ones (in a native build
    /// `dotRows` dispatches to the native kernels, so these are checked here directly).
    @Test func portableDotRowsEqualPortableDots() throws {
        try Self.checkDotRows(Q4_0Format.self,
                              multi: { Q4_0Format.dotRowsPortable($0, $1, activationStride: $2, rows: $3, blocks: $4, $5, outStride: $6) },
                              single: { Q4_0Format.dotPortable($0, $1, blocks: $2) })
    }

    @Test func activationEncodingsLoseAtMostHalfAStep() {
        var rng = SplitMix64(seed: 5)
        let x = (0..<1024).map { _ in rng.gaussian() }
        for (format, blockElements) in [(Q4_0Format.self as any BlockFormat.Type, 32), (Q4_KFormat.self, 256)] {
            let encoded = Products.encodeActivation(format, x, count: x.count)
            defer { encoded.deallocate() }
            let decoded = format == Q4_0Format.self ? Self.decodeActivation(Q8x32.self, encoded, count: x.count) : Self.decodeActivation(Q8xK.self, encoded, count: x.count)
            for block in 0..<x.count / blockElements {
                let range = block * blockElements..<(block + 1) * blockElements
                let step = Double(range.map { x[$0].magnitude }.max()!) / 127
                for i in range { #expect(abs(decoded[i] - Double(x[i])) <= step * 0.5001) }
            }
            if blockElements == 256 {
                // The Q8_K sums of 16 are the sums of the stored values.
                for block in 0..<4 {
                    for group in 0..<16 {
                        var sum = 0
                        let start = block * Q8xK.blockBytes
                        for i in 0..<16 { sum += Int(encoded.load(fromByteOffset: start + Q8xK.valuesOffset + group * 16 + i, as: Int8.self)) }
                        #expect(Int(encoded.loadUnaligned(fromByteOffset: start + Q8xK.sumsOffset + 2 * group, as: Int16.self)) == sum)
                    }
                }
            }
        }
    }
}
