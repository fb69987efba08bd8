/// Converts JSON Schemas into GBNF grammars for the JSON texts they accept.
///
/// Supported: `type` (one or an array), `properties`/`required` (properties in declared order,
/// optional ones may be left out), `additionalProperties` (false, true or a schema; absent with
/// `properties` given means none are generated), `items`, `prefixItems`, `minItems`/`maxItems`,
/// `enum`, `const`, `anyOf`/`oneOf` (as alternatives), `allOf` of object schemas, `$ref` into
/// `$defs`/`definitions` (recursion allowed), string `minLength`/`maxLength`/`pattern`/`format`
/// (date, time, date-time, uuid), and integer and number bounds. Keywords that constrain values
/// in ways a grammar cannot follow are errors naming their JSON pointer, never ignored.
///
/// Whitespace between tokens is bounded (a space, or a newline and up to 20 spaces or tabs),
/// so constrained generation cannot run on whitespace forever.
public enum JSONSchemaGrammar {
    /// GBNF text for the JSON values `schema` accepts.
    ///
    /// - Throws: ``GrammarError/unsupportedSchema(path:reason:)`` or
    ///   ``GrammarError/invalidSchema(path:reason:)`` naming the schema's JSON pointer.
    public static func gbnf(for schema: JSONValue) throws(GrammarError) -> String {
        var converter = SchemaConverter(root: schema)
        let root = try converter.visit(schema, path: "")
        return converter.render(root: root)
    }

    /// GBNF text for the JSON values accepted by the schema in `schemaText`.
    public static func gbnf(forSchemaText schemaText: String) throws(GrammarError) -> String {
        try gbnf(for: JSONValue(parsing: schemaText))
    }

    /// GBNF for any JSON object.
    public static let anyJSONObjectGBNF: String = {
        var converter = SchemaConverter(root: .object([]))
        let root = converter.primitive("object")
        return converter.render(root: root)
    }()
}

/// One conversion: collects named rules as the schema is walked.
struct SchemaConverter {
    private let root: JSONValue
    private var rules: [(name: String, body: String)] = []
    private var names: Set<String> = ["root"]
    private var refRules: [String: String] = [:]

    /// Keywords that only annotate; they change nothing in the grammar.
    private static let annotations: Set<String> = [
        "$schema", "$id", "$comment", "$anchor", "title", "description", "examples", "default",
        "readOnly", "writeOnly", "deprecated", "contentMediaType", "contentEncoding", "$defs", "definitions",
        "strict", "name",
    ]
    /// Keywords the converter understands.
    private static let supported: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems",
        "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "minLength", "maxLength", "pattern", "format",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    ]

    /// The primitive rules, written once each when first used.
    private static let primitives: [String: String] = [
        "ws": "( \" \" | \"\\n\" [ \\t]{0,20} )?",
        "char": "[^\"\\\\\\x00-\\x1F] | \"\\\\\" ( [\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4} )",
        "string": "\"\\\"\" char* \"\\\"\"",
        "integer": "\"-\"? ( [0-9] | [1-9] [0-9]{1,15} )",
        "number": "\"-\"? ( [0-9] | [1-9] [0-9]{1,15} ) ( \".\" [0-9]{1,16} )? ( [eE] [-+]? [0-9]{1,3} )?",
        "boolean": "\"true\" | \"false\"",
        "null": "\"null\"",
        "value": "object | array | string | number | boolean | null",
        "object": "\"{\" ws ( string ws \":\" ws value ws ( \",\" ws string ws \":\" ws value ws )* )? \"}\"",
        "array": "\"[\" ws ( value ws ( \",\" ws value ws )* )? \"]\"",
    ]
    private static let dependencies: [String: [String]] = [
        "string": ["char"], "value": ["object", "array", "string", "number", "boolean", "null"],
        "object": ["ws", "string", "value"], "array": ["ws", "value"],
    ]

    init(root: JSONValue) {
        self.root = root
    }

    func render(root body: String) -> String {
        (["root ::= " + body] + rules.map { "\($0.name) ::= \($0.body)" }).joined(separator: "\n") + "\n"
    }

    /// The name of primitive rule `name`, adding it (and what it uses) on first use.
    mutating func primitive(_ name: String) -> String {
        guard !names.contains(name) else { return name }
        names.insert(name)
        rules.append((name, Self.primitives[name]!))
        for dependency in Self.dependencies[name] ?? [] { _ = primitive(dependency) }
        return name
    }

    /// Adds a rule with a fresh name derived from `hint`, returning the name.
    private mutating func addRule(_ hint: String, _ body: String) -> String {
        var base = String(hint.unicodeScalars.map { s -> Character in
            ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) ? Character(s) : "-"
        })
        if base.isEmpty { base = "rule" }
        var name = base
        var n = 1
        while names.contains(name) || Self.primitives[name] != nil {
            name = "\(base)-\(n)"
            n += 1
        }
        names.insert(name)
        rules.append((name, body))
        return name
    }

    private static func hint(_ path: String) -> String {
        let parts = path.split(separator: "/").filter { !["properties", "items", "$defs", "definitions"].contains($0) }
        return parts.suffix(2).joined(separator: "-")
    }

    // MARK: Walking the schema

    mutating func visit(_ schema: JSONValue, path: String) throws(GrammarError) -> String {
        if case .bool(let accepts) = schema {
            guard accepts else { throw .invalidSchema(path: path, reason: "the schema 'false' accepts nothing") }
            return primitive("value")
        }
        guard case .object(let members) = schema else {
            throw .invalidSchema(path: path, reason: "a schema must be an object or a boolean")
        }
        for member in members where !Self.annotations.contains(member.key) && !Self.supported.contains(member.key) {
            throw .unsupportedSchema(path: path + "/" + member.key, reason: "unsupported keyword '\(member.key)'")
        }
        if let ref = schema["$ref"] { return try reference(ref, path: path + "/$ref") }
        if let value = schema["const"] { return GBNFText.literal(value.serialized) }
        if let values = schema["enum"] {
            guard case .array(let items) = values, !items.isEmpty else {
                throw .invalidSchema(path: path + "/enum", reason: "'enum' must be a non-empty array")
            }
            return "(" + items.map { GBNFText.literal($0.serialized) }.joined(separator: " | ") + ")"
        }
        for keyword in ["anyOf", "oneOf"] {
            guard let list = schema[keyword] else { continue }
            guard case .array(let choices) = list, !choices.isEmpty else {
                throw .invalidSchema(path: path + "/" + keyword, reason: "'\(keyword)' must be a non-empty array")
            }
            var alternatives: [String] = []
            for (i, choice) in choices.enumerated() {
                alternatives.append(try visit(choice, path: path + "/\(keyword)/\(i)"))
            }
            return "(" + alternatives.joined(separator: " | ") + ")"
        }
        if let list = schema["allOf"] { return try visit(merged(list, path: path + "/allOf"), path: path) }

        let types: [String]
        switch schema["type"] {
        case .string(let t)?: types = [t]
        case .array(let list)?:
            types = try list.map { (item) throws(GrammarError) -> String in
                guard case .string(let t) = item else { throw .invalidSchema(path: path + "/type", reason: "types must be strings") }
                return t
            }
        case nil: types = Self.inferredTypes(schema)
        default: throw .invalidSchema(path: path + "/type", reason: "'type' must be a string or an array")
        }
        if types.isEmpty { return primitive("value") }
        var alternatives: [String] = []
        for t in types { alternatives.append(try typed(t, schema, path: path)) }
        return alternatives.count == 1 ? alternatives[0] : "(" + alternatives.joined(separator: " | ") + ")"
    }

    private static func inferredTypes(_ schema: JSONValue) -> [String] {
        let has = { (k: String) in schema[k] != nil }
        if has("properties") || has("additionalProperties") || has("required") { return ["object"] }
        if has("items") || has("prefixItems") || has("minItems") || has("maxItems") { return ["array"] }
        if has("minLength") || has("maxLength") || has("pattern") || has("format") { return ["string"] }
        if has("minimum") || has("maximum") || has("exclusiveMinimum") || has("exclusiveMaximum") { return ["number"] }
        return []
    }

    private mutating func typed(_ type: String, _ schema: JSONValue, path: String) throws(GrammarError) -> String {
        switch type {
        case "string": return try string(schema, path: path)
        case "integer", "number": return try number(schema, integer: type == "integer", path: path)
        case "boolean": return primitive("boolean")
        case "null": return primitive("null")
        case "object": return try object(schema, path: path)
        case "array": return try array(schema, path: path)
        default: throw .invalidSchema(path: path + "/type", reason: "unknown type '\(type)'")
        }
    }

    private func count(_ schema: JSONValue, _ key: String, path: String) throws(GrammarError) -> Int? {
        guard let value = schema[key] else { return nil }
        guard case .number(let n) = value, n >= 0, n == n.rounded(), n <= Double(GBNFParser.maxRepetition) else {
            throw .invalidSchema(path: path + "/" + key, reason: "'\(key)' must be an integer from 0 to \(GBNFParser.maxRepetition)")
        }
        return Int(n)
    }

    private mutating func string(_ schema: JSONValue, path: String) throws(GrammarError) -> String {
        let quote = "\"\\\"\""
        if case .string(let pattern)? = schema["pattern"] {
            var converter = SchemaPattern(pattern, path: path + "/pattern", anyCharacter: primitive("char"))
            return quote + " " + addRule(Self.hint(path) + "-pattern", try converter.convert()) + " " + quote
        }
        if case .string(let format)? = schema["format"], let body = Self.formats[format] {
            return quote + " " + body + " " + quote
        }
        let low = try count(schema, "minLength", path: path) ?? 0
        let high = try count(schema, "maxLength", path: path)
        if let high, high < low { throw .invalidSchema(path: path + "/maxLength", reason: "'maxLength' is below 'minLength'") }
        if low == 0, high == nil { return primitive("string") }
        return quote + " " + primitive("char") + "{\(low),\(high.map(String.init) ?? "")} " + quote
    }

    private static let date = "[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [12] [0-9] | \"3\" [01] )"
    private static let time = "( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{1,6} )? ( \"Z\" | [+-] ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )"
    private static let formats: [String: String] = [
        "date": date,
        "time": time,
        "date-time": date + " \"T\" " + time,
        "uuid": "[0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12}",
    ]

    private mutating func number(_ schema: JSONValue, integer: Bool, path: String) throws(GrammarError) -> String {
        func bound(_ key: String) throws(GrammarError) -> Double? {
            guard let value = schema[key] else { return nil }
            guard case .number(let n) = value else { throw .invalidSchema(path: path + "/" + key, reason: "'\(key)' must be a number") }
            return n
        }
        var minimum = try bound("minimum")
        var maximum = try bound("maximum")
        var exclusiveMinimum = false
        var exclusiveMaximum = false
        if let e = try bound("exclusiveMinimum"), minimum == nil || e >= minimum! { (minimum, exclusiveMinimum) = (e, true) }
        if let e = try bound("exclusiveMaximum"), maximum == nil || e <= maximum! { (maximum, exclusiveMaximum) = (e, true) }
        for (key, value) in [("minimum", minimum), ("maximum", maximum)] where abs(value ?? 0) >= 1e15 {
            throw .unsupportedSchema(path: path + "/" + key, reason: "bounds beyond 1e15 are not supported")
        }
        if minimum == nil, maximum == nil { return primitive(integer ? "integer" : "number") }
        let body: String?
        if integer {
            let low = minimum.map { exclusiveMinimum ? $0.rounded(.down) + 1 : $0.rounded(.up) }
            let high = maximum.map { exclusiveMaximum ? $0.rounded(.up) - 1 : $0.rounded(.down) }
            body = NumberRangeGrammar.integers(low.map { Int64($0) }, high.map { Int64($0) })
        } else {
            body = NumberRangeGrammar.numbers(minimum: minimum, exclusiveMinimum: exclusiveMinimum,
                                              maximum: maximum, exclusiveMaximum: exclusiveMaximum)
        }
        guard let body else { throw .invalidSchema(path: path, reason: "the numeric bounds admit no value") }
        return addRule(Self.hint(path) + (integer ? "-integer" : "-number"), body)
    }

    private mutating func object(_ schema: JSONValue, path: String) throws(GrammarError) -> String {
        let ws = primitive("ws")
        var properties: [JSONMember] = []
        if let value = schema["properties"] {
            guard case .object(let members) = value else { throw .invalidSchema(path: path + "/properties", reason: "'properties' must be an object") }
            properties = members
        }
        var required: Set<String> = []
        if let value = schema["required"] {
            guard case .array(let names) = value else { throw .invalidSchema(path: path + "/required", reason: "'required' must be an array") }
            for name in names {
                guard case .string(let s) = name else { throw .invalidSchema(path: path + "/required", reason: "names must be strings") }
                required.insert(s)
                if !properties.contains(where: { $0.key == s }) { properties.append(JSONMember(key: s, value: .bool(true))) }
            }
        }
        // Extra members: any name with a value of this schema, or none.
        var extra: String?
        switch schema["additionalProperties"] {
        case nil: extra = properties.isEmpty ? primitive("value") : nil
        case .bool(let allowed)?: extra = allowed ? primitive("value") : nil
        case let value?: extra = try visit(value, path: path + "/additionalProperties")
        }
        var pairs: [String] = []
        for property in properties {
            let value = try visit(property.value, path: path + "/properties/" + property.key)
            pairs.append(GBNFText.literal(JSONValue.quoted(property.key)) + " " + ws + " \":\" " + ws + " " + value + " " + ws)
        }
        let extraPair = extra.map { primitive("string") + " " + ws + " \":\" " + ws + " " + $0 + " " + ws }
        // first(i): members i... with none written yet; rest(i): the same after one was written.
        let hint = Self.hint(path).isEmpty ? "object" : Self.hint(path)
        var first = extraPair.map { "( " + $0 + " ( \",\" " + ws + " " + $0 + " )* )?" } ?? "\"\""
        var rest = extraPair.map { "( \",\" " + ws + " " + $0 + " )*" } ?? "\"\""
        for (i, property) in properties.enumerated().reversed() {
            let restName = addRule(hint + "-rest", rest)
            let firstName = addRule(hint + "-first", first)
            if required.contains(property.key) {
                rest = "\",\" " + ws + " " + pairs[i] + " " + restName
                first = pairs[i] + " " + restName
            } else {
                rest = "( \",\" " + ws + " " + pairs[i] + " )? " + restName
                first = pairs[i] + " " + restName + " | " + firstName
            }
        }
        return addRule(hint, "\"{\" " + ws + " ( " + first + " ) \"}\"")
    }

    private mutating func array(_ schema: JSONValue, path: String) throws(GrammarError) -> String {
        let ws = primitive("ws")
        var prefix: [String] = []
        var itemsKey = "items"
        var items: JSONValue? = schema["items"]
        if case .array(let tuple)? = schema["prefixItems"] ?? (schema["items"].flatMap { if case .array = $0 { $0 } else { nil } }) {
            let key = schema["prefixItems"] != nil ? "prefixItems" : "items"
            for (i, item) in tuple.enumerated() { prefix.append(try visit(item, path: path + "/\(key)/\(i)")) }
            if key == "items" { items = schema["additionalItems"] ?? .bool(false); itemsKey = "additionalItems" } else if schema["items"] == nil { items = .bool(false) }
        }
        let low = try count(schema, "minItems", path: path) ?? 0
        let high = try count(schema, "maxItems", path: path)
        if let high, high < low { throw .invalidSchema(path: path + "/maxItems", reason: "'maxItems' is below 'minItems'") }
        var item: String?
        switch items {
        case .bool(false)?: item = nil
        case nil, .bool(true)?: item = primitive("value")
        case let value?: item = try visit(value, path: path + "/" + itemsKey)
        }
        let fixed = Array(prefix.prefix(high ?? prefix.count))
        guard fixed.count >= low || item != nil else {
            throw .invalidSchema(path: path + "/minItems", reason: "'minItems' exceeds the items the schema allows")
        }
        // Elements in order, each followed by ws; a comma before all but the first.
        var parts: [String] = []
        for (i, element) in fixed.enumerated() { parts.append((i == 0 ? "" : "\",\" " + ws + " ") + element + " " + ws) }
        if let item {
            let more = max(0, low - fixed.count)
            let upper = high.map { $0 - fixed.count }
            if upper != 0 {
                let separated = "\",\" " + ws + " " + item + " " + ws
                if fixed.isEmpty {
                    // The first element has no comma.
                    let tail = "( " + separated + " ){\(max(0, more - 1)),\(upper.map { String($0 - 1) } ?? "")}"
                    let one = item + " " + ws + " " + tail
                    parts.append(more == 0 ? "( " + one + " )?" : one)
                } else {
                    parts.append("( " + separated + " ){\(more),\(upper.map(String.init) ?? "")}")
                }
            }
        }
        let hint = Self.hint(path).isEmpty ? "array" : Self.hint(path)
        return addRule(hint, "\"[\" " + ws + " " + (parts.isEmpty ? "" : parts.joined(separator: " ") + " ") + "\"]\"")
    }

    private mutating func reference(_ ref: JSONValue, path: String) throws(GrammarError) -> String {
        guard case .string(let pointer) = ref, pointer.hasPrefix("#") else {
            throw .unsupportedSchema(path: path, reason: "only references within the document ('#...') are supported")
        }
        if let name = refRules[pointer] { return name }
        var target = root
        for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let key = token.replacingEscapes()
            if let value = target[key] {
                target = value
            } else if case .array(let list) = target, let i = Int(key), list.indices.contains(i) {
                target = list[i]
            } else {
                throw .invalidSchema(path: path, reason: "'\(pointer)' does not resolve")
            }
        }
        // Name the rule before visiting, so recursive references find it.
        let name = addRule(pointer.split(separator: "/").last.map(String.init) ?? "ref", "")
        refRules[pointer] = name
        let body = try visit(target, path: String(pointer.dropFirst()))
        let slot = rules.firstIndex { $0.name == name }!
        rules[slot].body = body
        return name
    }

    /// `allOf` of object schemas as one object schema: properties and required lists merged.
    private func merged(_ list: JSONValue, path: String) throws(GrammarError) -> JSONValue {
        guard case .array(let parts) = list, !parts.isEmpty else { throw .invalidSchema(path: path, reason: "'allOf' must be a non-empty array") }
        var properties: [JSONMember] = []
        var required: [JSONValue] = []
        var additional: JSONValue?
        for (i, var part) in parts.enumerated() {
            var seen: Set<String> = []
            while case .string(let pointer)? = part["$ref"], !seen.contains(pointer) {
                seen.insert(pointer)
                var target = root
                for token in pointer.dropFirst().split(separator: "/") {
                    guard let value = target[token.replacingEscapes()] else { throw .invalidSchema(path: path + "/\(i)/$ref", reason: "'\(pointer)' does not resolve") }
                    target = value
                }
                part = target
            }
            guard case .object(let members) = part,
                  members.allSatisfy({ ["type", "properties", "required", "additionalProperties"].contains($0.key) || Self.annotations.contains($0.key) }),
                  part["type"] == nil || part["type"] == .string("object") else {
                throw .unsupportedSchema(path: path + "/\(i)", reason: "'allOf' is supported only for object schemas")
            }
            if case .object(let p)? = part["properties"] { properties += p }
            if case .array(let r)? = part["required"] { required += r }
            if let a = part["additionalProperties"] { additional = a }
        }
        var members = [JSONMember(key: "type", value: .string("object")), JSONMember(key: "properties", value: .object(properties)),
                       JSONMember(key: "required", value: .array(required))]
        if let additional { members.append(JSONMember(key: "additionalProperties", value: additional)) }
        return .object(members)
    }
}

extension Substring {
    /// A JSON pointer token with `~1` and `~0` decoded.
    fileprivate func replacingEscapes() -> String {
        var out = ""
        var i = startIndex
        while i < endIndex {
            let c = self[i]
            let n = index(after: i)
            if c == "~", n < endIndex, self[n] == "1" || self[n] == "0" {
                out.append(self[n] == "1" ? "/" : "~")
                i = index(after: n)
            } else {
                out.append(c)
                i = n
            }
        }
        return out
    }
}
