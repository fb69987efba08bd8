/// Whether and which tool the model must call, as OpenAI's `tool_choice` says.
public enum ToolChoice: Sendable, Equatable {
    /// The model decides: it answers in text or calls tools.
    case auto
    /// The model answers in text; the tools are not shown to it.
    case none
    /// The model calls at least one of the tools; sampling is constrained so the call parses.
    case required
    /// The model calls the function of this name; sampling is constrained so the call parses.
    case function(String)
}
