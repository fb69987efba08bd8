/// The tests (`value is name(args)`), with jinja2's names and Python's notion of each type.
extension Renderer {
    func applyTest(_ name: String, to value: Value, _ args: CallArguments) throws(JinjaError) -> Bool {
        let argument = args.positional.first
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": if case .none = value { return true } else { return false }
        case "string": if case .string = value { return true } else { return false }
        case "mapping": if case .object = value { return true } else { return false }
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": return value == .bool(true) && isBool(value)
        case "false": return value == .bool(false) && isBool(value)
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "number": return value.number != nil
        case "iterable":
            switch value {
            case .string, .array, .object, .undefined: return true
            default: return false
            }
        case "sequence":
            switch value {
            case .string, .array, .object, .undefined: return true
            default: return false
            }
        case "callable":
            if case .opaque(let o) = value, case .namespace = o.kind { return false }
            if case .opaque = value { return true }
            return false
        case "odd", "even":
            // jinja2 tests `value % 2`, so floats work too (0.5 is neither).
            guard value.number != nil else { throw .type("'\(name)' test needs a number, not '\(value.typeName)'") }
            return try binary(.modulo, value, .int(2)) == .int(name == "odd" ? 1 : 0)
        case "divisibleby":
            // jinja2 tests `value % num == 0`, with Python's `%` (floats too).
            guard let argument else { throw .type("divisibleby needs an argument") }
            return try binary(.modulo, value, argument) == .int(0)
        case "lower", "upper":
            // jinja2 calls str(value).islower() / .isupper().
            return try callMethod(.string(value.pythonString), name == "lower" ? "islower" : "isupper", CallArguments()).isTruthy
        case "escaped": return false
        case "sameas":
            guard let argument else { throw .type("sameas needs an argument") }
            switch (value, argument) {
            case (.none, .none), (.undefined, .undefined): return true
            case (.bool(let a), .bool(let b)): return a == b
            default: return false
            }
        case "in":
            guard let argument else { throw .type("'in' test needs a container") }
            return try contains(argument, value)
        case "filter":
            guard case .string(let s) = value else { return false }
            return Renderer.filterNames.contains(s)
        case "test":
            guard case .string(let s) = value else { return false }
            return Renderer.testNames.contains(s)
        default:
            guard let op = Renderer.comparisonTests[name] else { throw .runtime("no test named '\(name)'") }
            guard let argument else { throw .type("'\(name)' test needs an argument") }
            return try compare(op, value, argument)
        }
    }

    private func isBool(_ value: Value) -> Bool {
        if case .bool = value { return true }
        return false
    }

    /// Tests that are comparisons, under each of their names.
    static let comparisonTests: [String: CompareOperator] = [
        "eq": .equal, "equalto": .equal, "==": .equal, "ne": .notEqual, "!=": .notEqual,
        "lt": .less, "lessthan": .less, "<": .less, "le": .lessEqual, "<=": .lessEqual,
        "gt": .greater, "greaterthan": .greater, ">": .greater, "ge": .greaterEqual, ">=": .greaterEqual,
    ]

    static let testNames: Set<String> = Set(comparisonTests.keys).union([
        "defined", "undefined", "none", "string", "mapping", "boolean", "true", "false", "integer", "float",
        "number", "iterable", "sequence", "callable", "odd", "even", "divisibleby", "lower", "upper",
        "escaped", "sameas", "in", "filter", "test",
    ])
}
