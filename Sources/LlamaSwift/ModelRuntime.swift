import GGUF

/// Which logits a sequence wants from an evaluation.
enum LogitRequest {
    /// None: the tokens only fill the cache.
    case none
    /// The last token's, `vocabularySize` floats written here.
    case last(UnsafeMutablePointer<Float>)
    /// Every token's, one row of `vocabularySize` floats each, written here.
    case all(UnsafeMutablePointer<Float>)
}

/// One sequence's part of an evaluation: `tokens` at positions `start...` of `cache`.
struct SequenceInput {
    let cache: any SequenceCache
    let tokens: ArraySlice<Int32>
    let start: Int
    let logits: LogitRequest
}

/// A loaded model on one backend, with the backend's type erased: what sessions and batched
/// decoders run on. It holds the weights once, however many sequences use them.
protocol ModelRuntime: AnyObject, Sendable {
    var configuration: ModelConfiguration { get }
    /// Bytes of device memory held by the backend, `nil` for the CPU.
    var deviceBytes: Int? { get }
    /// A new, empty KV cache for one sequence.
    func makeCache(capacity: Int, type: KVCacheType) throws(LlamaError) -> any SequenceCache
    /// Working memory for one caller's evaluations (not to be used by two at once).
    func makeWorkspace() -> AnyObject
    /// Evaluates every input, `batchSize` rows per pass at most, all sequences of a pass together:
    /// each weight is read once per pass for all of them.
    func evaluate(_ inputs: [SequenceInput], batchSize: Int, workspace: AnyObject) throws(LlamaError)
}

/// ``ModelRuntime`` for the operations `Ops`.
final class Runtime<Ops: ModelOperations>: ModelRuntime, @unchecked Sendable {
    let configuration: ModelConfiguration
    let operations: Ops
    private let graph: any ModelGraph<Ops>

    init(configuration: ModelConfiguration, operations: Ops, graph: any ModelGraph<Ops>) {
        self.configuration = configuration
        self.operations = operations
        self.graph = graph
    }

    func makeCache(capacity: Int, type: KVCacheType) throws(LlamaError) -> any SequenceCache {
        let c = configuration
        return try operations.makeCache(
            layers: c.blockCount, capacity: capacity, keyValueHeads: c.keyValueHeadCount, headDimension: c.headDimension, type: type)
    }

    func makeWorkspace() -> AnyObject { Workspace(operations: operations) }

    var deviceBytes: Int? { operations.deviceBytes }

    func evaluate(_ inputs: [SequenceInput], batchSize: Int, workspace: AnyObject) throws(LlamaError) {
        guard let workspace = workspace as? Workspace<Ops> else {
            throw .backendFailed(backend: "\(Ops.self)", reason: "a workspace of another model")
        }
        let vocabulary = configuration.vocabularySize
        var caches: [Ops.Cache] = []
        for input in inputs {
            guard let cache = input.cache as? Ops.Cache else {
                throw .backendFailed(backend: "\(Ops.self)", reason: "a KV cache of another backend")
            }
            guard input.start >= 0, input.start + input.tokens.count <= cache.capacity else {
                throw .contextOverflow(tokens: input.start + input.tokens.count, contextSize: cache.capacity)
            }
            for token in input.tokens where token < 0 || Int(token) >= vocabulary {
                throw .invalidToken(id: Int(token), vocabularySize: vocabulary)
            }
            caches.append(cache)
        }

        // Pack the inputs into passes of at most `batchSize` rows and `maximumSpans` sequences; a
        // long input continues in the next pass.
        var done = [Int](repeating: 0, count: inputs.count)
        var next = 0
        var rows = [Float]()
        while next < inputs.count {
            var tokens: [Int32] = [], spans: [SequenceSpan<Ops.Cache>] = []
            var outputRows: [Int] = [], targets: [UnsafeMutablePointer<Float>] = []
            var j = next
            while j < inputs.count, tokens.count < batchSize, spans.count < operations.maximumSpans {
                let input = inputs[j], remaining = input.tokens.count - done[j]
                let take = min(remaining, batchSize - tokens.count)
                if take > 0 {
                    let first = tokens.count
                    tokens.append(contentsOf: input.tokens.dropFirst(done[j]).prefix(take))
                    spans.append(SequenceSpan(cache: caches[j], firstRow: first, count: take, start: input.start + done[j]))
                    switch input.logits {
                    case .none: break
                    case .last(let target):
                        if done[j] + take == input.tokens.count {
                            outputRows.append(first + take - 1)
                            targets.append(target)
                        }
                    case .all(let target):
                        for r in 0..<take {
                            outputRows.append(first + r)
                            targets.append(target + (done[j] + r) * vocabulary)
                        }
                    }
                    done[j] += take
                }
                if done[j] == input.tokens.count { j += 1 } else { break }
            }
            while next < inputs.count, done[next] == inputs[next].tokens.count { next += 1 }
            guard !tokens.isEmpty else { continue }

            var logits: Ops.Activations?
            try operations.run { () throws(LlamaError) in
                logits = try graph.forward(tokens: tokens, spans: spans, outputRows: outputRows, workspace: workspace)
            }
            guard let logits, !targets.isEmpty else { continue }
            // Targets one after another (a batched step's rows, a prompt's rows) take the logits
            // in one read; others go through a buffer.
            if targets.indices.allSatisfy({ targets[$0] == targets[0] + $0 * vocabulary }) {
                try operations.read(logits, count: targets.count * vocabulary, into: targets[0])
                continue
            }
            if rows.count < targets.count * vocabulary { rows = [Float](repeating: 0, count: targets.count * vocabulary) }
            try rows.withUnsafeMutableBufferPointer { (buffer) throws(LlamaError) in
                try operations.read(logits, count: targets.count * vocabulary, into: buffer.baseAddress!)
                for (i, target) in targets.enumerated() {
                    target.update(from: buffer.baseAddress! + i * vocabulary, count: vocabulary)
                }
            }
        }
    }
}
