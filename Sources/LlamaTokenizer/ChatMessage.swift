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
    }

    /// Who speaks.
    public var role: Role
    /// What is said, as plain text.
    public var content: String

    /// A message from `role` saying `content`.
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }

    /// A system message.
    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    /// A user message.
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    /// An assistant message.
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
}
