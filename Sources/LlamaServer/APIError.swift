import Foundation
import Hummingbird

/// An error answered as OpenAI does: an HTTP status and the body
/// `{"error": {"message", "type", "param", "code"}}`.
public struct APIError: Error, Sendable, Equatable, HTTPResponseError {
    /// The HTTP status of the answer.
    public var status: HTTPResponse.Status
    /// What went wrong, for a person.
    public var message: String
    /// The error class, e.g. `invalid_request_error`.
    public var type: String
    /// The request field at fault, if one is.
    public var param: String?
    /// A machine-readable code, e.g. `context_length_exceeded`.
    public var code: String?

    /// An error answered with `status` and the given fields.
    public init(status: HTTPResponse.Status, message: String, type: String, param: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    /// 400: the request is malformed or a field is invalid.
    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// 413: the body is larger than the server accepts.
    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(
            status: .contentTooLarge, message: "Request body exceeds the limit of \(limit) bytes",
            type: "invalid_request_error", code: "request_too_large")
    }

    /// 503: every decoding slot is busy and the waiting queue is full.
    public static func overloaded(queueLimit: Int) -> APIError {
        APIError(
            status: .serviceUnavailable,
            message: "The server is busy: all slots are in use and \(queueLimit) requests are already waiting; retry later",
            type: "server_error", code: "server_overloaded")
    }

    /// 500: the engine failed while generating.
    public static func internalError(_ message: String) -> APIError {
        APIError(status: .internalServerError, message: message, type: "server_error")
    }

    /// The JSON body, as sent in an answer or in a server-sent event.
    var body: ErrorBody {
        ErrorBody(error: .init(message: message, type: type, param: param, code: code))
    }

    /// The answer Hummingbird sends when a handler throws this error.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try response()
    }

    /// The answer: the status and the JSON body.
    func response() throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try body.jsonData())))
    }
}

/// The wire form of an ``APIError``.
struct ErrorBody: Encodable {
    struct Detail: Encodable {
        var message: String
        var type: String
        var param: String?
        var code: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(type, forKey: .type)
            // OpenAI sends null rather than leaving the keys out.
            try container.encode(param, forKey: .param)
            try container.encode(code, forKey: .code)
        }

        enum CodingKeys: String, CodingKey { case message, type, param, code }
    }

    var error: Detail
}

extension Encodable {
    /// The value as compact JSON.
    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

extension APIError {
    /// 400 for a body that is not valid JSON or has a field of the wrong type, naming the field.
    /// A coding path as a field name: `messages[0].content`; `nil` for the body itself.
    static func field(_ codingPath: [any CodingKey]) -> String? {
        let keys = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return keys.isEmpty ? nil : keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    static func decoding(_ error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context) -> String? { field(context.codingPath) }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = path(context)
            return .invalidRequest("Invalid type for '\(field ?? "body")': \(context.debugDescription)", param: field)
        case .keyNotFound(let key, let context):
            let field = path(DecodingError.Context(codingPath: context.codingPath + [key], debugDescription: ""))
            return .invalidRequest("Missing required parameter: '\(field ?? key.stringValue)'", param: field)
        case .dataCorrupted(let context):
            if let field = path(context) {
                return .invalidRequest("Invalid value for '\(field)': \(context.debugDescription)", param: field)
            }
            return .invalidRequest("The body is not valid JSON: \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)")
        @unknown default:
            return .invalidRequest("The body could not be read: \(error)")
        }
    }
}
