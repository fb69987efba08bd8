import Jinja

/// A function the model may call: what a chat template lists under `tools`.
public struct ToolDefinition: Sendable, Equatable {
    /// The function's name, as the model writes it in a call.
    public var name: String
    /// What the function does, for the model.
    public var description: String
    /// The JSON Schema of the arguments object, as JSON text.
    public var parameters: String

    /// A function `name` described by `description` whose arguments `parameters` (JSON Schema
    /// text) accepts; an empty object schema by default.
    public init(name: String, description: String = "", parameters: String = #"{"type":"object","properties":{}}"#) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }

    /// The tool as chat templates read it: `{"type": "function", "function": {name, description,
    /// parameters}}`, the parameters as a JSON value (a string when they are not JSON).
    public var templateValue: Value {
        let function = Value.object(Object([
            ("name", .string(name)), ("description", .string(description)),
            ("parameters", (try? Value(json: parameters)) ?? .string(parameters)),
        ]))
        return .object(Object([("type", .string("function")), ("function", function)]))
    }
}

/// One call of a tool, as the model made it.
public struct ToolCall: Sendable, Equatable, Hashable {
    /// Names the call, so that the ``ChatMessage/Role/tool`` message with its result can say
    /// which call it answers.
    public var id: String
    /// The function called.
    public var name: String
    /// The arguments, as JSON text (an object).
    public var arguments: String

    /// A call `id` of the function `name` with the JSON `arguments`.
    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    /// The call as chat templates read an assistant message's `tool_calls` entry: `{"id",
    /// "type": "function", "function": {name, arguments}}`, the arguments as a JSON value, as
    /// Hugging Face templates expect (a string when they are not JSON).
    public var templateValue: Value {
        let function = Value.object(Object([
            ("name", .string(name)), ("arguments", (try? Value(json: arguments)) ?? .string(arguments)),
        ]))
        return .object(Object([("id", .string(id)), ("type", .string("function")), ("function", function)]))
    }
}

extension ChatMessage {
    /// The message as chat templates read it: `role` and `content`, with `tool_calls` and
    /// `tool_call_id` where set; an assistant message that only calls tools has `content` none.
    public var templateValue: Value {
        var pairs: [(String, Value)] = [("role", .string(role.rawValue))]
        pairs.append(("content", content.isEmpty && !toolCalls.isEmpty ? .none : .string(content)))
        if !toolCalls.isEmpty { pairs.append(("tool_calls", .array(toolCalls.map(\.templateValue)))) }
        if let toolCallID { pairs.append(("tool_call_id", .string(toolCallID))) }
        return .object(Object(pairs))
    }
}
