/// An expression of the syntax tree.
indirect enum Expr: Sendable {
    case literal(Value)
    case name(String)
    case list([Expr])
    case dict([(Expr, Expr)])
    /// `x.name`: attribute first, then item (jinja2's `getattr`).
    case attribute(Expr, String)
    /// `x[key]`: item first, then attribute (jinja2's `getitem`).
    case item(Expr, Expr)
    /// `x[start:stop:step]`.
    case slice(Expr, start: Expr?, stop: Expr?, step: Expr?)
    case call(Expr, Arguments)
    /// `x | name(args)`.
    case filter(Expr, String, Arguments)
    /// `x is name(args)` or `x is not name(args)`.
    case test(Expr, String, Arguments, negated: Bool)
    case not(Expr)
    case negate(Expr)
    case plus(Expr)
    case binary(BinaryOperator, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    /// A chain such as `a < b < c`, each link compared in turn.
    case compare(Expr, [(CompareOperator, Expr)])
    /// `a ~ b ~ c`: the operands' `str()` joined.
    case concat([Expr])
    /// `a if cond else b`; without `else`, undefined.
    case conditional(condition: Expr, then: Expr, otherwise: Expr?)
}

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**"
}

enum CompareOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case isIn = "in", notIn = "not in"
}

/// The arguments of a call, filter or test: positional ones, then `name=value` ones.
struct Arguments: Sendable {
    var positional: [Expr] = []
    var keyword: [(String, Expr)] = []
}

/// Where an assignment or a loop stores its values.
enum Target: Sendable {
    case name(String)
    /// `a, b`: unpacks a sequence.
    case tuple([String])
    /// `ns.attr`: an attribute of a namespace.
    case attribute(String, String)
}

/// A statement of the syntax tree.
indirect enum Node: Sendable {
    case text(String)
    case output(Expr)
    /// `if` / `elif` branches in order, then the `else` body.
    case conditional([(Expr, [Node])], otherwise: [Node])
    case forLoop(ForLoop)
    case set(Target, Expr)
    /// `{% set x %}...{% endset %}`, the body's output optionally through filters.
    case setBlock(Target, body: [Node], filters: [(String, Arguments)])
    case macro(MacroDefinition)
    /// `{% call m(args) %}body{% endcall %}`: calls `m` with `caller` bound to the body.
    case callBlock(Expr, caller: MacroDefinition)
    /// `{% filter name %}body{% endfilter %}`.
    case filterBlock([(String, Arguments)], body: [Node])
    case breakLoop
    case continueLoop
    /// A statement or output with the template line it starts on, for error messages.
    case located(line: Int, Node)
}

/// A `for` loop.
struct ForLoop: Sendable {
    let target: Target
    let iterable: Expr
    /// `for x in xs if cond`: items failing it are skipped before `loop.*` is counted.
    let filter: Expr?
    let body: [Node]
    /// Rendered when no item was looped over.
    let otherwise: [Node]
}

/// A macro's definition, shared by every value that refers to it.
final class MacroDefinition: Sendable {
    let name: String
    /// The parameters with their default expressions, in order.
    let parameters: [(String, Expr?)]
    let body: [Node]

    init(name: String, parameters: [(String, Expr?)], body: [Node]) {
        self.name = name
        self.parameters = parameters
        self.body = body
    }
}
