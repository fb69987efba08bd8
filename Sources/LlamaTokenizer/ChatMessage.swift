/// One message of a conversation.
public struct ChatMessage: Sendable, Equatable {
    /// Who speaks.
    public enum Role: String, Sendable {
        /// Instructions that frame the conversation.
        case system
        /// The person talking to the model.
        case user
        /// The model.
        case assistant
        /// The result of a tool the model called, answering one of its ``ChatMessage/toolCalls``.
        case tool
    }

    /// Who speaks.
    public var role: Role
    /// What is said, as plain text (empty for an assistant message that only calls tools).
    public var content: String
    /// The tools an assistant message calls.
    public var toolCalls: [ToolCall]
    /// In a ``Role/tool`` message, the ``ToolCall/id`` of the call it answers.
    public var toolCallID: String?

    /// A message from `role` saying `content`, calling `toolCalls` (assistant) or answering the
    /// call `toolCallID` (tool).
    public init(role: Role, content: String, toolCalls: [ToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    /// A system message.
    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    /// A user message.
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    /// An assistant message.
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
    /// An assistant message that calls `calls` (and says `content`, if anything).
    public static func assistant(calling calls: [ToolCall], content: String = "") -> ChatMessage {
        ChatMessage(role: .assistant, content: content, toolCalls: calls)
    }
    /// The result `content` of the tool call `id`.
    public static func tool(_ content: String, callID id: String) -> ChatMessage {
        ChatMessage(role: .tool, content: content, toolCallID: id)
    }
}
