import LlamaGrammar
import LlamaTokenizer
import Synchronization

/// What generated text must be, enforced token by token while sampling: tokens that cannot
/// continue a valid text are masked out, and generation ends when the text is complete and
/// nothing else may follow (or an end-of-generation token is sampled where it may end).
public enum OutputConstraint: Sendable, Equatable {
    /// A sentence of a GBNF grammar (llama.cpp's format; the start rule is `root`).
    case grammar(String)
    /// A JSON value that the JSON Schema (given as JSON text) accepts.
    case jsonSchema(String)
    /// Any JSON object, as OpenAI's `response_format` `json_object` asks.
    case jsonObject

    /// Compiles the constraint, to find what is wrong with it before generating.
    ///
    /// - Throws: ``LlamaError/invalidParameter(name:value:reason:)`` naming the flag and where the
    ///   grammar or schema is wrong (a rule and its line and column, a schema path).
    public func validate() throws(LlamaError) {
        _ = try matcher()
    }

    /// A matcher at the start of the constraint.
    ///
    /// - Throws: ``LlamaError/invalidParameter(name:value:reason:)`` naming the flag
    ///   (`--grammar`, `--json-schema`) and where the grammar or schema is wrong.
    func matcher() throws(LlamaError) -> GrammarMatcher {
        do {
            switch self {
            case .grammar(let text): return try GrammarMatcher(gbnf: text)
            case .jsonSchema(let text): return try GrammarMatcher(jsonSchema: text)
            case .jsonObject: return try GrammarMatcher(CompiledGrammar(Grammar.anyJSONObject))
            }
        } catch {
            let (flag, text) = switch self {
            case .grammar(let text): ("--grammar", text)
            case .jsonSchema(let text): ("--json-schema", text)
            case .jsonObject: ("response_format", "json_object")
            }
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            throw .invalidParameter(name: flag, value: shown, reason: "\(error)")
        }
    }
}

/// A model's vocabulary as the grammar matcher reads it (each token's bytes), built on first use
/// and shared by every constrained generation of the model.
final class GrammarVocabularyCache: Sendable {
    private let built = Mutex<TokenVocabulary?>(nil)

    /// The vocabulary of `tokenizer`: every token's text as the detokenizer writes it; the
    /// end-of-generation tokens end; other special tokens are never allowed.
    func vocabulary(of tokenizer: LlamaTokenizer, count: Int) -> TokenVocabulary {
        built.withLock { held in
            if let held { return held }
            let tokens = (0..<count).map { tokenizer.piece(for: $0) }
            let control = (0..<count).filter { id in
                guard let type = tokenizer.tokenType(id) else { return true }
                return (type == .control || type == .unknown) && !tokenizer.isEndOfGeneration(id)
            }
            let vocabulary = TokenVocabulary(tokens: tokens, endOfGeneration: tokenizer.endOfGenerationTokenIDs.sorted(), control: control)
            held = vocabulary
            return vocabulary
        }
    }
}

extension Sampler {
    /// One draw of a generation step: the parameters' logits processors, then the constraint's
    /// draw, or a plain one without a constraint.
    func draw(_ logits: inout [Float], history: ArraySlice<Int32>, constraint: ConstrainedSampling?) throws(LlamaError) -> Int32 {
        for processor in parameters.logitsProcessors { processor.process(&logits, tokens: history) }
        if let constraint { return try constraint.sample(&logits, with: self, history: history) }
        return sample(logits: &logits, history: history)
    }
}

/// A constraint in progress during one generation.
struct ConstrainedSampling {
    private var matcher: GrammarMatcher
    let vocabulary: TokenVocabulary

    init(_ constraint: OutputConstraint, vocabulary: TokenVocabulary) throws(LlamaError) {
        matcher = try constraint.matcher()
        self.vocabulary = vocabulary
    }

    /// Draws the next token as llama.cpp does: first from the logits as they are, kept when the
    /// grammar takes it (one token's bytes to check); otherwise from the logits with every token
    /// the grammar forbids masked out. Greedy decoding picks the masked argmax either way, and
    /// most steps of a constrained text skip the mask (a walk of the whole vocabulary).
    func sample(_ logits: inout [Float], with sampler: Sampler, history: ArraySlice<Int32>) throws(LlamaError) -> Int32 {
        let original = logits
        let first = sampler.sample(logits: &logits, history: history)
        do { if try matcher.allows(token: Int(first), in: vocabulary) { return first } } catch {
            throw .invalidParameter(name: "grammar", value: "token \(first)", reason: "\(error)")
        }
        logits = original
        try mask(&logits)
        return sampler.sample(logits: &logits, history: history)
    }

    /// Sets the logits of the tokens that cannot come next to −∞.
    func mask(_ logits: inout [Float]) throws(LlamaError) {
        do { try matcher.allowedTokens(in: vocabulary).apply(to: &logits) } catch {
            throw .invalidParameter(name: "grammar", value: "", reason: "\(error)")
        }
    }

    /// Advances over the sampled `token`; returns whether generation must end after it.
    mutating func accept(_ token: Int) throws(LlamaError) -> Bool {
        let accepted: Bool
        do { accepted = try matcher.accept(token: token, in: vocabulary) } catch {
            throw .invalidParameter(name: "grammar", value: "token \(token)", reason: "\(error)")
        }
        guard accepted else {
            throw .invalidParameter(name: "grammar", value: "token \(token)", reason: "no token can continue the text")
        }
        return matcher.mustEnd
    }
}
