import Jinja

/// Tools for a chat template that has no place for them: a system message lists them and asks
/// for a call as a bare JSON object, `{"name": ..., "arguments": {...}}`, which is the generic
/// format the tool-call parser reads.
public enum ToolInstructions {
    /// `messages` with the tools described at the start of the system message (a new first
    /// message when there is none).
    public static func messages(_ messages: [ChatMessage], describing tools: [ToolDefinition]) -> [ChatMessage] {
        var messages = messages
        let text = instructions(tools)
        if let first = messages.first, first.role == .system {
            messages[0].content = text + "\n\n" + first.content
        } else {
            messages.insert(.system(text), at: 0)
        }
        return messages
    }

    /// `messages` with each assistant message's tool calls written into its text, one
    /// `{"name": ..., "arguments": {...}}` line per call, for templates that do not read
    /// `tool_calls`.
    public static func callsAsText(_ messages: [ChatMessage]) -> [ChatMessage] {
        messages.map { message in
            guard !message.toolCalls.isEmpty else { return message }
            let calls = message.toolCalls.map { call in
                let arguments = (try? Value(json: call.arguments))?.jsonText ?? call.arguments
                return "{\"name\": \(Value.string(call.name).jsonText ?? call.name), \"arguments\": \(arguments)}"
            }
            let text = ([message.content].filter { !$0.isEmpty } + calls).joined(separator: "\n")
            return ChatMessage(role: message.role, content: text, toolCallID: message.toolCallID)
        }
    }

    /// The instruction text: each function as a line of JSON (name, description, parameters),
    /// then the reply format.
    public static func instructions(_ tools: [ToolDefinition]) -> String {
        let lines = tools.map { tool in
            if case .object(let wrapper) = tool.templateValue, let function = wrapper["function"], let json = function.jsonText {
                return json
            }
            return tool.name
        }
        return "You can call these functions:\n" + lines.joined(separator: "\n")
            + "\n\nTo call a function, reply with only a JSON object of the form "
            + "{\"name\": \"function name\", \"arguments\": {argument names and values}}. "
            + "Otherwise reply to the user as usual."
    }
}
