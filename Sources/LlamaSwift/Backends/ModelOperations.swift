import GGUF

/// The primitive operations a decoder-only transformer is written against, implemented once per
/// compute backend: the CPU (``CPUOperations``, whose matrix products may go through BLAS) and
/// Vulkan (``VulkanOperations``, which records them into command buffers).
///
/// A model family (`Models/`) reads its tensors through ``matrix(_:in:)`` and ``vector(_:)``
/// once, when the model loads, and then describes each forward pass as a sequence of these calls
/// inside ``run(_:)``. Activations are buffers of `rows × width` floats, row-major, owned by the
/// backend; a pass's rows may belong to several sequences (``SequenceSpan``), each with its own
/// ``SequenceCache``.
protocol ModelOperations: AnyObject, Sendable {
    /// A weight matrix prepared for this backend's products.
    associatedtype Matrix
    /// A float vector: a norm's weight, a bias.
    associatedtype Vector
    /// A buffer of activations.
    associatedtype Activations
    /// The keys and values of one sequence, every layer.
    associatedtype Cache: SequenceCache
    /// The rotation angles of a pass's rows.
    associatedtype Rotations

    /// The weight types this backend's products and embedding lookups read.
    var supportedTypes: Set<GGMLType> { get }
    /// Most sequences one ``run(_:)`` may hold; larger batches are split by the caller.
    var maximumSpans: Int { get }
    /// Bytes of device memory this backend holds now (weights, caches, scratch), or `nil` when it
    /// computes in host memory.
    var deviceBytes: Int? { get }

    /// Prepares `tensor` of `file` (already checked against its expected shape) for the products:
    /// a copy in the layout the kernels read, or an upload to the device.
    func matrix(_ tensor: GGUFTensorInfo, in file: GGUFFile) throws(LlamaError) -> Matrix
    /// The token-embedding table `tensor` for ``embed(_:tokens:into:)``; `tiedOutput` is the
    /// same tensor already prepared by ``matrix(_:in:)`` when the file uses it as the output head
    /// too, to share where the backend can.
    func table(_ tensor: GGUFTensorInfo, in file: GGUFFile, tiedOutput: Matrix?) throws(LlamaError) -> Matrix
    /// A vector holding `values`.
    func vector(_ values: [Float]) throws(LlamaError) -> Vector
    /// A buffer of at least `count` floats.
    func activations(count: Int) throws(LlamaError) -> Activations
    /// An empty cache of `capacity` positions of `layers` layers of `keyValueHeads × headDimension`
    /// keys and values in `type`.
    func makeCache(layers: Int, capacity: Int, keyValueHeads: Int, headDimension: Int, type: KVCacheType) throws(LlamaError) -> Cache

    /// Runs the operations `body` issues as one pass (one submission on a device), returning when
    /// their results are ready.
    func run(_ body: () throws(LlamaError) -> Void) throws(LlamaError)

    /// Row `b` of `output` = row `tokens[b]` of `table`, decoded to floats.
    func embed(_ table: Matrix, tokens: [Int32], into output: Activations) throws(LlamaError)
    /// Row by row, `output = x / rms(x) × weight` over rows of `width`.
    func rmsNorm(_ x: Activations, weight: Vector, width: Int, rows: Int, epsilon: Float, into output: Activations) throws(LlamaError)
    /// Row `b` of `output` (`w`'s row count wide) = `w` × row `b` of `x`; with `accumulate`, added
    /// to what `output` holds (a residual connection).
    func multiply(_ w: Matrix, _ x: Activations, rows: Int, into output: Activations, accumulate: Bool) throws(LlamaError)
    /// The angles of RoPE for every row of `spans`, pair `i` turning by
    /// `position × frequencies[i]`.
    func rotations(frequencies: [Double], spans: [SequenceSpan<Cache>]) throws(LlamaError) -> Rotations
    /// Rotates the first `rotated` elements of each of `heads` heads of `headDimension` in every
    /// row, pair `i` (elements chosen by `style`) by angle `i` of the row's `rotations`.
    func rope(
        _ x: Activations, _ rotations: Rotations, heads: Int, headDimension: Int, rotated: Int, rows: Int,
        style: RopeStyle) throws(LlamaError)
    /// Stores the rows' keys and values in their sequence's cache at `layer`, then writes the
    /// causal grouped-query attention of each row's queries over its sequence's positions to
    /// `output` (`heads × headDimension` per row).
    func attend(
        layer: Int, queries: Activations, keys: Activations, values: Activations, spans: [SequenceSpan<Cache>],
        shape: AttentionShape, into output: Activations) throws(LlamaError)
    /// `gate = silu(gate) × up` over `count` elements.
    func swiglu(_ gate: Activations, _ up: Activations, count: Int) throws(LlamaError)
    /// `gate = gelu(gate) × up` over `count` elements, GELU in its tanh form.
    func geglu(_ gate: Activations, _ up: Activations, count: Int) throws(LlamaError)
    /// Row by row, `x += bias` over rows of `width`.
    func addBias(_ x: Activations, _ bias: Vector, width: Int, rows: Int) throws(LlamaError)
    /// `x += y` over `count` elements.
    func add(_ x: Activations, _ y: Activations, count: Int) throws(LlamaError)
    /// `x ×= factor` over `count` elements.
    func scale(_ x: Activations, by factor: Float, count: Int) throws(LlamaError)
    /// `x = cap × tanh(x / cap)` over `count` elements: a soft cap on logits.
    func softCap(_ x: Activations, cap: Float, count: Int) throws(LlamaError)
    /// Row `i` of `output` = row `rows[i]` of `x`, rows of `width`.
    func gather(_ x: Activations, rows: [Int], width: Int, into output: Activations) throws(LlamaError)
    /// Copies the first `count` floats of `x` to `host`; valid after ``run(_:)`` returns.
    func read(_ x: Activations, count: Int, into host: UnsafeMutablePointer<Float>) throws(LlamaError)
}

/// Which elements of a head RoPE turns together as pair `i` of `rotated` rotated elements.
enum RopeStyle: Sendable {
    /// Elements `2i` and `2i + 1`: LLaMA's layout.
    case adjacent
    /// Elements `i` and `i + rotated / 2`: GPT-NeoX's layout, which Qwen, Phi-3 and Gemma use.
    case halves
}

/// The consecutive rows of a pass that belong to one sequence: rows
/// `firstRow..<firstRow + count` sit at positions `start..<start + count` of `cache`.
struct SequenceSpan<Cache> {
    let cache: Cache
    let firstRow: Int
    let count: Int
    let start: Int
}

/// The geometry and options of one layer's attention.
struct AttentionShape: Equatable {
    var heads: Int
    var keyValueHeads: Int
    var headDimension: Int
    /// Multiplies the scores before the softmax (usually 1/√headDimension).
    var scale: Float
    /// When set, scores become `cap × tanh(score / cap)` before the softmax.
    var softCap: Float? = nil
    /// When set, a row sees only the last `window` positions up to its own.
    var window: Int? = nil

    /// Query heads per key/value head.
    var group: Int { heads / keyValueHeads }
}

/// The keys and values one sequence has evaluated, in a backend's memory: every layer, positions
/// `0..<capacity`.
protocol SequenceCache: AnyObject {
    /// Positions the cache can hold.
    var capacity: Int { get }
    /// How keys and values are stored.
    var type: KVCacheType { get }
    /// Bytes of memory the cache holds.
    var byteCount: Int { get }
    /// The stored bytes of positions `0..<count`, in the canonical order of state files: per layer
    /// the keys then the values, each per key/value head, positions in order, `headDimension`
    /// elements of ``type`` each.
    func export(count: Int) throws(LlamaError) -> [UInt8]
    /// Replaces positions `0..<count` with bytes in the order ``export(count:)`` writes.
    func restore(_ bytes: [UInt8], count: Int) throws(LlamaError)
}

/// How a KV cache stores keys and values.
public enum KVCacheType: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Half precision, llama.cpp's default: 2 bytes an element.
    case f16
    /// 8-bit blocks of 32 with an F16 scale: 34 bytes per 32 elements.
    case q8_0
    /// Single precision: 4 bytes an element.
    case f32

    public var description: String { rawValue }

    /// The GGML block type with this layout.
    var ggmlType: GGMLType {
        switch self {
        case .f16: .f16
        case .q8_0: .q8_0
        case .f32: .f32
        }
    }

    /// Bytes taken by `elements` elements (a whole number of blocks).
    func byteCount(elements: Int) -> Int {
        switch self {
        case .f16: 2 * elements
        case .q8_0: elements / 32 * 34
        case .f32: 4 * elements
        }
    }
}
