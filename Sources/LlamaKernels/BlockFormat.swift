import GGUF

/// Everything the kernels know about one ggml weight type: its block geometry, how to decode and
/// encode a block, which activation encoding its dot product reads, and the dot product itself.
///
/// Adding a type is writing one conforming enum in `Formats/` and listing it in
/// `Kernels.format(for:)`; the generic drivers (matvec, matmul, row conversion) do the rest.
protocol BlockFormat {
    /// How the activation vector is encoded before the dot products run.
    associatedtype Activation: ActivationFormat

    static var type: GGMLType { get }
    /// Elements per block.
    static var blockElements: Int { get }
    /// Bytes per block.
    static var blockBytes: Int { get }

    /// Decodes `blocks` consecutive blocks into `blocks * blockElements` floats, with the same
    /// float operations, in the same order, as gguf-py's numpy code.
    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int)

    /// Encodes `blocks * blockElements` floats into `blocks` blocks.
    static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int)

    /// The dot product of one weight row of `blocks` blocks with an activation row of the same
    /// length encoded as ``Activation``.
    static func dot(_ weights: UnsafeRawPointer, _ activation: UnsafeRawPointer, blocks: Int) -> Float

    /// The dots of one weight row with `rows` activation rows, `activationStride` bytes apart,
    /// stored at `out[0]`, `out[outStride]`, …. Each result must equal ``dot(_:_:blocks:)`` of
    /// that row bit for bit; formats override this to decode each weight block once for several
    /// activation rows (matmul's inner loop).
    static func dotRows(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int, rows: Int,
                        blocks: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int)

    /// The layout of this format's blocks that this build's products read faster, which
    /// `Kernels.prepared` copies a matrix into, or `nil` (the default) when there is none.
    static var repacked: (any RepackedFormat.Type)? { get }
}

/// A block format whose blocks are another format's with their bits rearranged within each block:
/// the same size, the same values, decoded and encoded like the original, laid out for a faster
/// dot product.
protocol RepackedFormat: BlockFormat {
    /// Writes `blocks` blocks of the original layout at `src` in this layout at `dst`.
    static func repack(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, blocks: Int)
}

extension RepackedFormat {
    /// Encodes `blocks` blocks with `original`, the format this one repacks, repacking each
    /// into `dst`: the encoding of ``BlockFormat/quantize(_:_:blocks:)``.
    static func quantize(through original: any BlockFormat.Type, _ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer,
                         blocks: Int) {
        let block = UnsafeMutableRawPointer.allocate(byteCount: blockBytes, alignment: 32)
        defer { block.deallocate() }
        for b in 0..<blocks {
            original.quantize(src + b * blockElements, block, blocks: 1)
            repack(block, dst + b * blockBytes, blocks: 1)
        }
    }
}

extension BlockFormat {
    /// Bytes of encoded activation that line up with one weight block (a K-quant block with one
    /// Q8_K block, a Q4_0 block with one Q8x32 block, a float "block" of one element with one float).
    static var activationBytesPerBlock: Int { blockElements / Activation.blockElements * Activation.blockBytes }

    static var repacked: (any RepackedFormat.Type)? { nil }

    /// One single-row dot per activation row.
    static func dotRows(_ weights: UnsafeRawPointer, _ activations: UnsafeRawPointer, activationStride: Int, rows: Int,
                        blocks: Int, _ out: UnsafeMutablePointer<Float>, outStride: Int) {
        for i in 0..<rows {
            out[i * outStride] = dot(weights, activations + i * activationStride, blocks: blocks)
        }
    }
}

/// An encoding of the activation vector that dot products read.
protocol ActivationFormat {
    /// Elements per block.
    static var blockElements: Int { get }
    /// Bytes per block.
    static var blockBytes: Int { get }
    /// Encodes `blocks * blockElements` floats.
    static func encode(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, blocks: Int)
}
