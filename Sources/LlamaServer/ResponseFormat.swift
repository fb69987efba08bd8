import Foundation

/// `response_format`: `{"type": "text"}`, `{"type": "json_object"}`, or `{"type": "json_schema",
/// "json_schema": {"name", "schema", "strict"}}`.
struct ResponseFormat: Decodable, Sendable {
    var type: String
    var jsonSchema: SchemaField?

    struct SchemaField: Decodable, Sendable {
        var name: String?
        var schema: JSONText?
        var strict: Bool?
    }

    enum CodingKeys: String, CodingKey { case type, jsonSchema = "json_schema" }
}

/// Any JSON value of a request, kept as its JSON text (a schema to compile).
struct JSONText: Decodable, Sendable {
    var text: String

    init(from decoder: any Decoder) throws {
        let value = try JSONTree(from: decoder)
        let data = try JSONSerialization.data(withJSONObject: value.foundationObject, options: [.fragmentsAllowed])
        text = String(decoding: data, as: UTF8.self)
    }
}

/// A decoded JSON value, for re-encoding (objects keep no key order, which no schema depends on).
private indirect enum JSONTree: Decodable {
    case null, bool(Bool), number(Double), integer(Int), string(String), array([JSONTree]), object([String: JSONTree])

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONTree] = []
            while !array.isAtEnd { items.append(try array.decode(JSONTree.self)) }
            self = .array(items)
        } else if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: JSONTree] = [:]
            for key in object.allKeys { members[key.stringValue] = try object.decode(JSONTree.self, forKey: key) }
            self = .object(members)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() { self = .null }
            else if let b = try? single.decode(Bool.self) { self = .bool(b) }
            else if let i = try? single.decode(Int.self) { self = .integer(i) }
            else if let d = try? single.decode(Double.self) { self = .number(d) }
            else { self = .string(try single.decode(String.self)) }
        }
    }

    var foundationObject: Any {
        switch self {
        case .null: NSNull()
        case .bool(let b): b
        case .number(let d): d
        case .integer(let i): i
        case .string(let s): s
        case .array(let items): items.map(\.foundationObject)
        case .object(let members): members.mapValues(\.foundationObject)
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
