/// Walks the syntax tree once for one render: holds the variable scopes, the output being
/// written and the counters that enforce ``Limits``.
final class Renderer {
    let limits: Limits
    let now: DateTime
    /// Variable scopes, innermost last. The first holds the context and top-level `set`s; each
    /// `for` loop and macro call adds one.
    var frames: [[String: Value]]
    /// The text being written: the template's output, or a macro's or block `set`'s capture.
    var output = ""
    var loopIterations = 0
    var callDepth = 0
    /// Bytes of text built over the whole render (output, captures, string operations), bounded
    /// so that building and dropping large strings in a loop cannot run for hours.
    var bytesBuilt = 0
    /// The line of the innermost statement that failed, once a render error is on its way out.
    var errorLine: Int?

    /// How a statement finished: normally, or by `break` / `continue` leaving the loop body.
    enum Flow { case normal, breakLoop, continueLoop }

    init(context: [String: Value], limits: Limits, now: DateTime) {
        self.limits = limits
        self.now = now
        frames = [context]
    }

    /// Renders the template; errors other than the template's own `raise_exception` message
    /// say which line failed.
    func renderTemplate(_ nodes: [Node]) throws(JinjaError) -> String {
        do {
            _ = try execute(nodes)
        } catch {
            throw error.atLine(errorLine)
        }
        return output
    }

    // MARK: Limits

    /// Counts `count` bytes of new text against the render's budget.
    func chargeBytes(_ count: Int) throws(JinjaError) {
        bytesBuilt += count
        if bytesBuilt > limits.maxOutputBytes &* 16 {
            throw .limit("the template built more than \(limits.maxOutputBytes &* 16) bytes of text")
        }
    }

    /// Refuses a string longer than ``Limits/maxOutputBytes`` before it is built.
    func checkLength(_ bytes: Int) throws(JinjaError) {
        if bytes > limits.maxOutputBytes || bytes < 0 {
            throw .limit("a string of \(bytes) bytes is longer than the limit of \(limits.maxOutputBytes)")
        }
        try chargeBytes(bytes)
    }

    /// Refuses a list longer than ``Limits/maxListLength`` before it is built.
    func checkListLength(_ count: Int) throws(JinjaError) {
        if count > limits.maxListLength || count < 0 {
            throw .limit("a list of \(count) items is longer than the limit of \(limits.maxListLength)")
        }
    }

    func write(_ text: String) throws(JinjaError) {
        let count = text.utf8.count
        if output.utf8.count + count > limits.maxOutputBytes {
            throw .limit("output is longer than the limit of \(limits.maxOutputBytes) bytes")
        }
        try chargeBytes(count)
        output += text
    }

    /// Runs `body` with the output redirected to a fresh buffer, and returns what it wrote.
    func capture(_ body: () throws(JinjaError) -> Void) throws(JinjaError) -> String {
        let saved = output
        output = ""
        defer { output = saved }
        try body()
        return output
    }

    // MARK: Variables

    func lookup(_ name: String) -> Value {
        for i in stride(from: frames.count - 1, through: 0, by: -1) {
            if let value = frames[i][name] { return value }
        }
        if Renderer.globalFunctions.contains(name) { return .opaque(Opaque(kind: .builtin(name))) }
        return .undefined("'\(name)' is undefined")
    }

    func assign(_ target: Target, _ value: Value) throws(JinjaError) {
        switch target {
        case .name(let name):
            frames[frames.count - 1][name] = value
        case .tuple(let names):
            let items = try unpack(value, count: names.count)
            for (name, item) in zip(names, items) { frames[frames.count - 1][name] = item }
        case .attribute(let base, let attribute):
            guard case .opaque(let o) = lookup(base), case .namespace(let ns) = o.kind else {
                throw .type("cannot assign attribute '\(attribute)' on '\(base)': only a namespace() takes attributes")
            }
            ns.attributes[attribute] = value
        }
    }

    /// The items of `value` for assignment to `count` names (`a, b = pair`).
    private func unpack(_ value: Value, count: Int) throws(JinjaError) -> [Value] {
        let items = try iterate(value)
        guard items.count == count else {
            throw .type(items.count > count ? "too many values to unpack (expected \(count))" : "not enough values to unpack (expected \(count), got \(items.count))")
        }
        return items
    }

    // MARK: Statements

    func execute(_ nodes: [Node]) throws(JinjaError) -> Flow {
        for node in nodes {
            let flow = try execute(node)
            if flow != .normal { return flow }
        }
        return .normal
    }

    func execute(_ node: Node) throws(JinjaError) -> Flow {
        switch node {
        case .text(let text):
            try write(text)
        case .output(let expr):
            try write(try evaluate(expr).pythonString)
        case .conditional(let branches, let otherwise):
            for (condition, body) in branches where try evaluate(condition).isTruthy {
                return try execute(body)
            }
            return try execute(otherwise)
        case .forLoop(let loop):
            try executeFor(loop)
        case .set(let target, let expr):
            try assign(target, try evaluate(expr))
        case .setBlock(let target, let body, let filters):
            var value = Value.string(try capture { () throws(JinjaError) in _ = try execute(body) })
            for (name, args) in filters { value = try applyFilter(name, to: value, try evaluateArguments(args)) }
            try assign(target, value)
        case .macro(let definition):
            frames[frames.count - 1][definition.name] = .opaque(Opaque(kind: .macro(definition, scope: nil)))
        case .callBlock(let callExpr, let callerDefinition):
            guard case .call(let calleeExpr, let argExprs) = callExpr else { return .normal }
            let callee = try evaluate(calleeExpr)
            var args = try evaluateArguments(argExprs)
            args.keyword.append(("caller", .opaque(Opaque(kind: .macro(callerDefinition, scope: frames)))))
            try write(try call(callee, args).pythonString)
        case .filterBlock(let filters, let body):
            var value = Value.string(try capture { () throws(JinjaError) in _ = try execute(body) })
            for (name, args) in filters { value = try applyFilter(name, to: value, try evaluateArguments(args)) }
            try write(value.pythonString)
        case .located(let line, let inner):
            do {
                return try execute(inner)
            } catch {
                if errorLine == nil { errorLine = line }
                throw error
            }
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    private func executeFor(_ loop: ForLoop) throws(JinjaError) {
        var items = try iterate(try evaluate(loop.iterable))
        frames.append([:])
        defer { frames.removeLast() }
        if let filter = loop.filter {
            // The filter sees each item bound to the loop's names, but not `loop` itself.
            var kept: [Value] = []
            for item in items {
                try countIteration()
                try assign(loop.target, item)
                if try evaluate(filter).isTruthy { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            frames.removeLast()
            frames.append([:])
            _ = try execute(loop.otherwise)
            return
        }
        for (index, item) in items.enumerated() {
            try countIteration()
            try assign(loop.target, item)
            frames[frames.count - 1]["loop"] = .opaque(Opaque(kind: .loop(index: index, items: items)))
            if try execute(loop.body) == .breakLoop { break }
        }
    }

    func countIteration() throws(JinjaError) {
        loopIterations += 1
        if loopIterations > limits.maxLoopIterations {
            throw .limit("more than \(limits.maxLoopIterations) loop iterations and macro calls")
        }
    }

    // MARK: Macros

    func callMacro(_ definition: MacroDefinition, scope: [[String: Value]]?, _ args: CallArguments) throws(JinjaError) -> Value {
        guard callDepth < limits.maxCallDepth else {
            throw .limit("macro calls nest deeper than \(limits.maxCallDepth) (recursion in '\(definition.name)'?)")
        }
        // Calls share the iteration budget, so recursion that fans out without nesting deeply
        // (each call making two) cannot run for ever either.
        try countIteration()
        var frame: [String: Value] = [:]
        guard args.positional.count <= definition.parameters.count else {
            throw .type("macro '\(definition.name)' takes \(definition.parameters.count) arguments, \(args.positional.count) given")
        }
        for (name, value) in args.keyword where name != "caller" {
            guard definition.parameters.contains(where: { $0.0 == name }) else {
                throw .type("macro '\(definition.name)' has no parameter named '\(name)'")
            }
            frame[name] = value
        }
        if let caller = args.keyword.first(where: { $0.0 == "caller" }) { frame["caller"] = caller.1 }
        let savedFrames = frames
        frames = scope ?? [frames[0]]
        frames.append(frame)
        callDepth += 1
        defer {
            frames = savedFrames
            callDepth -= 1
        }
        for (i, (name, defaultExpr)) in definition.parameters.enumerated() {
            if i < args.positional.count {
                frames[frames.count - 1][name] = args.positional[i]
            } else if frames[frames.count - 1][name] == nil {
                frames[frames.count - 1][name] = try defaultExpr.map { e throws(JinjaError) in try evaluate(e) } ?? .undefined("parameter '\(name)' of macro '\(definition.name)' was not given")
            }
        }
        let text = try capture { () throws(JinjaError) in _ = try execute(definition.body) }
        return .string(text)
    }

    // MARK: Expressions

    func evaluate(_ expr: Expr) throws(JinjaError) -> Value {
        switch expr {
        case .literal(let value):
            return value
        case .name(let name):
            return lookup(name)
        case .list(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item)) }
            return .array(values)
        case .dict(let pairs):
            var object = Object()
            for (keyExpr, valueExpr) in pairs {
                let key = try evaluate(keyExpr)
                guard ObjectKey(key) != nil else { throw .type("unhashable type: '\(key.typeName)'") }
                object[key] = try evaluate(valueExpr)
            }
            return .object(object)
        case .attribute(let base, let name):
            return try attribute(of: try evaluate(base), name)
        case .item(let base, let key):
            return try item(of: try evaluate(base), try evaluate(key))
        case .slice(let base, let start, let stop, let step):
            let value = try evaluate(base)
            let bounds = try [start, stop, step].map { (e: Expr?) throws(JinjaError) -> Value? in try e.map { e throws(JinjaError) in try evaluate(e) } }
            return try slice(value, start: bounds[0], stop: bounds[1], step: bounds[2])
        case .call(let callee, let args):
            return try call(try evaluate(callee), try evaluateArguments(args))
        case .filter(let base, let name, let args):
            return try applyFilter(name, to: try evaluate(base), try evaluateArguments(args))
        case .test(let base, let name, let args, let negated):
            let result = try applyTest(name, to: try evaluate(base), try evaluateArguments(args))
            return .bool(result != negated)
        case .not(let operand):
            return .bool(!(try evaluate(operand).isTruthy))
        case .negate(let operand):
            switch try evaluate(operand) {
            case .int(let i):
                guard i != .min else { throw .limit("integer overflow") }
                return .int(-i)
            case .bool(let b): return .int(b ? -1 : 0)
            case .double(let d): return .double(-d)
            case .undefined(let hint): throw .undefined(hint ?? "undefined value")
            case let other: throw .type("bad operand type for unary -: '\(other.typeName)'")
            }
        case .plus(let operand):
            let value = try evaluate(operand)
            guard value.number != nil else { throw .type("bad operand type for unary +: '\(value.typeName)'") }
            return value
        case .binary(let op, let left, let right):
            let l = try evaluate(left)
            let r = try evaluate(right)
            // Adding a safe string (markupsafe's Markup) and a plain one escapes the plain one,
            // from either side. Which strings are safe is known from the expressions' shape.
            if op == .add, case .string(let a) = l, case .string(let b) = r {
                let leftSafe = isMarkup(left)
                if leftSafe != isMarkup(right) {
                    return try binary(op, .string(leftSafe ? a : htmlEscape(a)), .string(leftSafe ? htmlEscape(b) : b))
                }
            }
            return try binary(op, l, r)
        case .and(let left, let right):
            let l = try evaluate(left)
            return l.isTruthy ? try evaluate(right) : l
        case .or(let left, let right):
            let l = try evaluate(left)
            return l.isTruthy ? l : try evaluate(right)
        case .compare(let first, let links):
            var left = try evaluate(first)
            for (op, rightExpr) in links {
                let right = try evaluate(rightExpr)
                guard try compare(op, left, right) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .concat(let parts):
            var text = ""
            for part in parts { text += try evaluate(part).pythonString }
            try checkLength(text.utf8.count)
            return .string(text)
        case .conditional(let condition, let then, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(then) }
            guard let otherwise else { return .undefined("the conditional expression has no else branch") }
            return try evaluate(otherwise)
        }
    }

    /// Whether `expr` gives a markupsafe `Markup` in jinja2: the `safe` or `escape` filter's
    /// result, or a sum with one. (A safe string stored in a variable is not tracked.)
    private func isMarkup(_ expr: Expr) -> Bool {
        switch expr {
        case .filter(_, let name, _): return ["safe", "e", "escape", "forceescape"].contains(name)
        case .binary(.add, let a, let b): return isMarkup(a) || isMarkup(b)
        default: return false
        }
    }

    func evaluateArguments(_ args: Arguments) throws(JinjaError) -> CallArguments {
        var result = CallArguments()
        result.positional.reserveCapacity(args.positional.count)
        for expr in args.positional { result.positional.append(try evaluate(expr)) }
        for (name, expr) in args.keyword { result.keyword.append((name, try evaluate(expr))) }
        return result
    }

    // MARK: Attribute and item access

    /// `value.name`, as jinja2's sandboxed `getattr`: a method of the value's type first, then
    /// the item of that name; missing is undefined, except on an undefined value, an error.
    func attribute(of value: Value, _ name: String) throws(JinjaError) -> Value {
        switch value {
        case .undefined(let hint):
            throw .undefined(hint ?? "undefined value has no attribute '\(name)'")
        case .object(let object):
            if Renderer.dictMethods.contains(name) { return .opaque(Opaque(kind: .method(value, name))) }
            return object[name] ?? .undefined("'dict object' has no attribute '\(name)'")
        case .string:
            if Renderer.stringMethods.contains(name) { return .opaque(Opaque(kind: .method(value, name))) }
        case .array:
            if Renderer.listMethods.contains(name) { return .opaque(Opaque(kind: .method(value, name))) }
        case .opaque(let o):
            if case .namespace(let ns) = o.kind {
                return ns.attributes[name] ?? .undefined("namespace has no attribute '\(name)'")
            }
            if case .loop(let index, let items) = o.kind { return loopAttribute(name, index: index, items: items) }
        default:
            break
        }
        return .undefined("'\(value.typeName) object' has no attribute '\(name)'")
    }

    /// An attribute of a `for` loop's `loop` variable at iteration `index` over `items`.
    private func loopAttribute(_ name: String, index: Int, items: [Value]) -> Value {
        let length = items.count
        switch name {
        case "index": return .int(index + 1)
        case "index0": return .int(index)
        case "revindex": return .int(length - index)
        case "revindex0": return .int(length - index - 1)
        case "first": return .bool(index == 0)
        case "last": return .bool(index == length - 1)
        case "length": return .int(length)
        case "depth": return .int(1)
        case "depth0": return .int(0)
        case "previtem": return index > 0 ? items[index - 1] : .undefined("there is no previous item")
        case "nextitem": return index + 1 < length ? items[index + 1] : .undefined("there is no next item")
        case "cycle": return .opaque(Opaque(kind: .cycle(index: index)))
        default: return .undefined("'LoopContext' object has no attribute '\(name)'")
        }
    }

    /// `value[key]`, as jinja2's `getitem`: the item first, then for a string key the attribute.
    func item(of value: Value, _ key: Value) throws(JinjaError) -> Value {
        switch (value, key) {
        case (.undefined(let hint), _):
            throw .undefined(hint ?? "undefined value has no item \(key.pythonRepr)")
        case (.object(let object), .string(let name)):
            if let found = object[name] { return found }
            if Renderer.dictMethods.contains(name) { return .opaque(Opaque(kind: .method(value, name))) }
            return .undefined("'dict object' has no attribute '\(name)'")
        case (.array(let items), _):
            if case .int(let i)? = key.number {
                let index = i < 0 ? i + items.count : i
                if index >= 0 && index < items.count { return items[index] }
                return .undefined("list index \(i) out of range")
            }
        case (.string(let text), _):
            if case .int(let i)? = key.number {
                let scalars = Array(text.unicodeScalars)
                let index = i < 0 ? i + scalars.count : i
                if index >= 0 && index < scalars.count { return .string(String(scalars[index])) }
                return .undefined("string index \(i) out of range")
            }
        default:
            break
        }
        if case .string(let name) = key { return try attribute(of: value, name) }
        return .undefined("'\(value.typeName) object' has no item \(key.pythonRepr)")
    }

    /// `value[start:stop:step]` with Python's rules for missing and negative bounds.
    func slice(_ value: Value, start: Value?, stop: Value?, step: Value?) throws(JinjaError) -> Value {
        func bound(_ v: Value?) throws(JinjaError) -> Int? {
            guard let v, !(v == .none) else { return nil }
            guard case .int(let i)? = v.number else { throw .type("slice indices must be integers or None") }
            return i
        }
        let stepValue = try bound(step) ?? 1
        guard stepValue != 0 else { throw .type("slice step cannot be zero") }
        func indices(count: Int) throws(JinjaError) -> [Int] {
            func clamp(_ i: Int?, _ defaultValue: Int) -> Int {
                guard var i else { return defaultValue }
                if i < 0 { i += count }
                if stepValue > 0 { return min(max(i, 0), count) }
                return min(max(i, -1), count - 1)
            }
            let first = clamp(try bound(start), stepValue > 0 ? 0 : count - 1)
            let last = clamp(try bound(stop), stepValue > 0 ? count : -1)
            return Array(stride(from: first, to: last, by: stepValue))
        }
        switch value {
        case .array(let items):
            return .array(try indices(count: items.count).map { items[$0] })
        case .string(let text):
            let scalars = Array(text.unicodeScalars)
            var out = String.UnicodeScalarView()
            for i in try indices(count: scalars.count) { out.append(scalars[i]) }
            return .string(String(out))
        case .undefined(let hint):
            throw .undefined(hint ?? "undefined value cannot be sliced")
        default:
            // jinja2 compiles a slice to Python's own subscript, so this is a TypeError.
            throw .type("'\(value.typeName)' object is not subscriptable")
        }
    }

    /// The items a `for` loop or a filter goes over: a list's items, a dict's keys, a string's
    /// characters; undefined is empty.
    func iterate(_ value: Value) throws(JinjaError) -> [Value] {
        switch value {
        case .array(let items): return items
        case .object(let object): return object.keys
        case .string(let text): return text.unicodeScalars.map { .string(String($0)) }
        case .undefined: return []
        default: throw .type("'\(value.typeName)' object is not iterable")
        }
    }

    // MARK: Calls

    func call(_ callee: Value, _ args: CallArguments) throws(JinjaError) -> Value {
        guard case .opaque(let o) = callee else {
            if case .undefined(let hint) = callee { throw .undefined(hint ?? "undefined value is not callable") }
            throw .type("'\(callee.typeName)' object is not callable")
        }
        switch o.kind {
        case .builtin(let name):
            return try callGlobal(name, args)
        case .method(let receiver, let name):
            return try callMethod(receiver, name, args)
        case .macro(let definition, let scope):
            return try callMacro(definition, scope: scope, args)
        case .cycle(let index):
            guard !args.positional.isEmpty else { throw .type("loop.cycle needs at least one value") }
            return args.positional[index % args.positional.count]
        case .namespace:
            throw .type("'Namespace' object is not callable")
        case .loop:
            throw .runtime("recursive loops are not supported (loop() called)")
        }
    }

    // MARK: Operators

    func binary(_ op: BinaryOperator, _ left: Value, _ right: Value) throws(JinjaError) -> Value {
        if case .undefined(let hint) = left { throw .undefined(hint ?? "undefined value in '\(op.rawValue)'") }
        if case .undefined(let hint) = right { throw .undefined(hint ?? "undefined value in '\(op.rawValue)'") }
        if let a = left.number, let b = right.number { return try arithmetic(op, a, b) }
        switch (op, left, right) {
        case (.add, .string(let a), .string(let b)):
            try checkLength(a.utf8.count + b.utf8.count)
            return .string(a + b)
        case (.add, .array(let a), .array(let b)):
            try checkListLength(a.count + b.count)
            return .array(a + b)
        case (.multiply, .string(let s), _), (.multiply, _, .string(let s)):
            guard case .int(let n)? = (left.number ?? right.number) else { break }
            let (total, overflow) = s.utf8.count.multipliedReportingOverflow(by: max(n, 0))
            if overflow { throw .limit("string repetition overflows") }
            try checkLength(total)
            return .string(String(repeating: s, count: max(n, 0)))
        case (.multiply, .array(let items), _), (.multiply, _, .array(let items)):
            guard case .int(let n)? = (left.number ?? right.number) else { break }
            let (total, overflow) = items.count.multipliedReportingOverflow(by: max(n, 0))
            if overflow { throw .limit("list repetition overflows") }
            try checkListLength(total)
            return .array(Array([[Value]](repeating: items, count: max(n, 0)).joined()))
        case (.modulo, .string(let format), _):
            let values: [Value]
            if case .array(let items) = right { values = items } else { values = [right] }
            let text = try percentFormat(format, values)
            try checkLength(text.utf8.count)
            return .string(text)
        default:
            break
        }
        if op == .add, case .string = left {
            throw .type("can only concatenate str (not \"\(right.typeName)\") to str")
        }
        if op == .add, case .array = left {
            throw .type("can only concatenate list (not \"\(right.typeName)\") to list")
        }
        throw .type("unsupported operand type(s) for \(op.rawValue): '\(left.typeName)' and '\(right.typeName)'")
    }

    private func arithmetic(_ op: BinaryOperator, _ a: Number, _ b: Number) throws(JinjaError) -> Value {
        if case .int(let x) = a, case .int(let y) = b {
            switch op {
            case .add: return try checked(x.addingReportingOverflow(y))
            case .subtract: return try checked(x.subtractingReportingOverflow(y))
            case .multiply: return try checked(x.multipliedReportingOverflow(by: y))
            case .divide:
                guard y != 0 else { throw .type("division by zero") }
                return .double(Double(x) / Double(y))
            case .floorDivide:
                guard y != 0 else { throw .type("integer division or modulo by zero") }
                let (q, overflow) = x.dividedReportingOverflow(by: y)
                if overflow { throw .limit("integer overflow") }
                return .int((x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q)
            case .modulo:
                guard y != 0 else { throw .type("integer division or modulo by zero") }
                let r = x.remainderReportingOverflow(dividingBy: y).partialValue
                return .int(r != 0 && (r < 0) != (y < 0) ? r + y : r)
            case .power:
                if y < 0 { return .double(pythonPower(Double(x), Double(y))) }
                var result = 1
                var base = x
                var exponent = y
                while exponent > 0 {
                    if exponent & 1 == 1 { result = try checkedInt(result.multipliedReportingOverflow(by: base)) }
                    exponent >>= 1
                    if exponent > 0 { base = try checkedInt(base.multipliedReportingOverflow(by: base)) }
                }
                return .int(result)
            }
        }
        let x = a.asDouble
        let y = b.asDouble
        switch op {
        case .add: return .double(x + y)
        case .subtract: return .double(x - y)
        case .multiply: return .double(x * y)
        case .divide:
            guard y != 0 else { throw .type("float division by zero") }
            return .double(x / y)
        case .floorDivide:
            guard y != 0 else { throw .type("float floor division by zero") }
            return .double((x / y).rounded(.down))
        case .modulo:
            guard y != 0 else { throw .type("float modulo") }
            // Python's float modulo takes the divisor's sign, zero included.
            let r = x.truncatingRemainder(dividingBy: y)
            if r == 0 { return .double(y < 0 ? -0.0 : 0.0) }
            return .double((r < 0) != (y < 0) ? r + y : r)
        case .power:
            return .double(pythonPower(x, y))
        }
    }

    private func checked(_ result: (partialValue: Int, overflow: Bool)) throws(JinjaError) -> Value {
        .int(try checkedInt(result))
    }

    private func checkedInt(_ result: (partialValue: Int, overflow: Bool)) throws(JinjaError) -> Int {
        if result.overflow { throw .limit("integer overflow (Python integers are unbounded; this engine's are 64-bit)") }
        return result.partialValue
    }

    func compare(_ op: CompareOperator, _ left: Value, _ right: Value) throws(JinjaError) -> Bool {
        switch op {
        case .equal: return left == right
        case .notEqual: return left != right
        case .isIn: return try contains(right, left)
        case .notIn: return !(try contains(right, left))
        case .less, .lessEqual, .greater, .greaterEqual:
            if case .undefined(let hint) = left { throw .undefined(hint ?? "undefined value compared") }
            if case .undefined(let hint) = right { throw .undefined(hint ?? "undefined value compared") }
            let (a, b) = op == .less || op == .lessEqual ? (left, right) : (right, left)
            guard let less = pythonLess(a, b) else {
                throw .type("'\(op.rawValue)' not supported between instances of '\(left.typeName)' and '\(right.typeName)'")
            }
            return op == .less || op == .greater ? less : (less || a == b)
        }
    }

    /// Python's `item in container`.
    func contains(_ container: Value, _ element: Value) throws(JinjaError) -> Bool {
        switch container {
        case .string(let text):
            guard case .string(let needle) = element else {
                throw .type("'in <string>' requires string as left operand, not \(element.typeName)")
            }
            return findBytes(Array(needle.utf8), in: Array(text.utf8), from: 0) != nil
        case .array(let items):
            return items.contains(element)
        case .object(let object):
            return object[element] != nil
        case .undefined:
            return false
        case .opaque(let o):
            if case .namespace(let ns) = o.kind, case .string(let key) = element { return ns.attributes[key] != nil }
            throw .type("argument of type '\(container.typeName)' is not iterable")
        default:
            throw .type("argument of type '\(container.typeName)' is not iterable")
        }
    }
}

/// The evaluated arguments of a call: positional, then keyword in the order written.
struct CallArguments {
    var positional: [Value] = []
    var keyword: [(String, Value)] = []

    /// The argument at `index`, else the keyword argument `name`, else `nil`.
    func value(_ index: Int, _ name: String) -> Value? {
        if index < positional.count { return positional[index] }
        return keyword.first { $0.0 == name }?.1
    }
}

/// The offset of `needle` in `haystack` at or after `start`, comparing bytes.
func findBytes(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    if needle.isEmpty { return start <= haystack.count ? start : nil }
    guard haystack.count >= needle.count else { return nil }
    var i = start
    let last = haystack.count - needle.count
    let first = needle[0]
    while i <= last {
        if haystack[i] == first {
            var j = 1
            while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
            if j == needle.count { return i }
        }
        i += 1
    }
    return nil
}
