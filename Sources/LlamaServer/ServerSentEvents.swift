import Foundation
import NIOCore

/// The `text/event-stream` framing of streamed answers.
enum ServerSentEvents {
    /// `value` as one event: `data: <json>` and a blank line.
    static func event(_ value: some Encodable) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeBytes(try value.jsonData())
        buffer.writeString("\n\n")
        return buffer
    }

    /// The event that ends a stream.
    static let done = ByteBuffer(string: "data: [DONE]\n\n")
}
