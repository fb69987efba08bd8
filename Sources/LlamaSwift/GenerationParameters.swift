/// How tokens are chosen during generation and when generation stops.
///
/// The defaults follow llama.cpp's. Sampling applies, in order: the repetition, frequency and
/// presence penalties, top-k, top-p, min-p, then temperature, and draws from what is left with a
/// generator seeded by ``seed``; first the ``logitsProcessors`` run and a ``constraint`` masks
/// the tokens its grammar forbids. A temperature of 0 picks the most likely token (greedy).
public struct GenerationParameters: Sendable, Equatable {
    /// Divides the logits before drawing; 0 means greedy decoding (`--temp`).
    public var temperature: Float = 0.8
    /// Keep only the `topK` most likely tokens; 0 keeps all (`--top-k`).
    public var topK: Int = 40
    /// Keep the smallest set of most likely tokens whose probabilities sum to `topP`; 1 keeps all (`--top-p`).
    public var topP: Float = 0.95
    /// Drop tokens whose probability is below `minP` times the most likely one's; 0 keeps all (`--min-p`).
    public var minP: Float = 0.05
    /// Penalises tokens seen among the last ``repeatLastN`` tokens; 1 disables it (`--repeat-penalty`).
    public var repetitionPenalty: Float = 1.0
    /// How many recent tokens the penalties look at; 0 disables them, -1 means the whole context (`--repeat-last-n`).
    public var repeatLastN: Int = 64
    /// Subtracted from a token's logit once per occurrence in the penalty window (`--frequency-penalty`).
    public var frequencyPenalty: Float = 0
    /// Subtracted from a token's logit when it occurs in the penalty window (`--presence-penalty`).
    public var presencePenalty: Float = 0
    /// Seed of the sampling generator; `nil` draws a fresh one (`--seed`).
    public var seed: UInt64? = nil
    /// The most tokens to generate; -1 means until the context is full (`--n-predict`).
    public var maxTokens: Int = -1
    /// Generation stops before the first occurrence of any of these strings, which are not emitted.
    public var stop: [String] = []
    /// What the generated text must be (a grammar, a JSON Schema, any JSON object); `nil` leaves
    /// it free (`--grammar`, `--json-schema`).
    public var constraint: OutputConstraint? = nil
    /// The caller's own logits steps, run in order before each token is drawn (before the
    /// constraint's mask).
    public var logitsProcessors: [LogitsProcessor] = []

    /// Parameters with llama.cpp's defaults.
    public init() {}

    /// Parameters for deterministic greedy decoding of at most `maxTokens` tokens.
    public static func greedy(maxTokens: Int = -1) -> GenerationParameters {
        var parameters = GenerationParameters()
        parameters.temperature = 0
        parameters.maxTokens = maxTokens
        return parameters
    }

    /// Checks every value's range.
    ///
    /// - Throws: ``LlamaError/invalidParameter(name:value:reason:)`` naming the flag of the first bad value.
    public func validate() throws(LlamaError) {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ reason: String) throws(LlamaError) {
            guard ok else { throw .invalidParameter(name: name, value: "\(value)", reason: reason) }
        }
        try check(temperature.isFinite && temperature >= 0, "--temp", temperature, "must be 0 or more")
        try check(topK >= 0, "--top-k", topK, "must be 0 (all) or more")
        try check(topP > 0 && topP <= 1, "--top-p", topP, "must be in (0, 1]")
        try check(minP >= 0 && minP <= 1, "--min-p", minP, "must be in [0, 1]")
        try check(repetitionPenalty.isFinite && repetitionPenalty > 0, "--repeat-penalty", repetitionPenalty, "must be positive")
        try check(repeatLastN >= -1, "--repeat-last-n", repeatLastN, "must be -1 (whole context) or more")
        try check(frequencyPenalty.isFinite, "--frequency-penalty", frequencyPenalty, "must be finite")
        try check(presencePenalty.isFinite, "--presence-penalty", presencePenalty, "must be finite")
        try check(maxTokens >= -1, "--n-predict", maxTokens, "must be -1 (until the context is full) or more")
        try check(!stop.contains(""), "stop", "\"\"", "stop strings must not be empty")
    }
}
