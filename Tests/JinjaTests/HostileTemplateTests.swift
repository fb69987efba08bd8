import Jinja
import Testing

/// Templates come from downloaded model files: broken or malicious ones must end in a clear
/// error, quickly, never in a crash, a stack overflow or a hang.
@Suite struct HostileTemplateTests {
    /// Whether `body` throws a ``JinjaError/limit(_:)``.
    func isLimit(_ body: () throws(JinjaError) -> Void) -> Bool {
        do {
            try body()
            return false
        } catch {
            if case .limit = error { return true }
            Issue.record("expected a limit error, got \(error)")
            return false
        }
    }

    @Test(arguments: [
        "{% if x %}never closed", "{% for x in y %}{{ x }}", "{{ unclosed", "{# comment", "{% set x %}body",
        "{% macro m() %}body", "{{ 'unterminated }}", "{% if %}{% endif %}", "{{ (1, 2 }}", "{{ [1, 2 }}",
        "{% endif %}", "{% for %}{% endfor %}", "{% break %}", "{{ x | }}", "{{ 1 + }}", "{% if a %}{% else %}{% else %}{% endif %}",
    ])
    func brokenTemplatesAreSyntaxErrors(_ source: String) {
        do {
            _ = try Template(source)
            Issue.record("\(source.debugDescription) compiled")
        } catch {
            guard case .syntax(_, let line, let column) = error else { Issue.record("\(error)"); return }
            #expect(line >= 1 && column >= 1)
        }
    }

    /// Templates nested 10,000 deep in each way the parser recurses or chains, by name (the
    /// texts themselves are too long to print as test arguments).
    static let deepTemplates: [String: String] = [
        "blocks": String(repeating: "{% if true %}", count: 10_000) + String(repeating: "{% endif %}", count: 10_000),
        "loops": String(repeating: "{% for x in y %}", count: 10_000) + String(repeating: "{% endfor %}", count: 10_000),
        "parentheses": "{{ " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000) + " }}",
        "lists": "{{ " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + " }}",
        "dicts": "{{ " + String(repeating: "{'a': ", count: 10_000) + "1" + String(repeating: "}", count: 10_000) + " }}",
        "not": "{{ " + String(repeating: "not ", count: 10_000) + "x }}",
        "negation": "{{ " + String(repeating: "-", count: 10_000) + "1 }}",
        "subscripts": "{{ x" + String(repeating: "[0]", count: 10_000) + " }}",
        "attributes": "{{ x" + String(repeating: ".a", count: 10_000) + " }}",
        "calls": "{{ f" + String(repeating: "(", count: 10_000) + " }}",
        "filters": "{{ x" + String(repeating: " | trim", count: 10_000) + " }}",
        "sums": "{{ 1" + String(repeating: " + 1", count: 10_000) + " }}",
        "products": "{{ 1" + String(repeating: " * 1", count: 10_000) + " }}",
        "or": "{{ a" + String(repeating: " or a", count: 10_000) + " }}",
        "conditionals": "{{ 1" + String(repeating: " if a else 1", count: 10_000) + " }}",
    ]

    @Test(arguments: deepTemplates.keys.sorted()) func deepNestingIsRefusedByTheParser(_ kind: String) {
        let source = Self.deepTemplates[kind]!
        #expect(isLimit { () throws(JinjaError) in _ = try Template(source) })
    }

    /// Nesting just inside the limits still compiles and renders (and does not run out of stack).
    @Test func nestingWithinTheLimitsRenders() throws {
        let parentheses = "{{ " + String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100) + " }}"
        #expect(try Template(parentheses).render([:]) == "1")
        let blocks = String(repeating: "{% if true %}", count: 60) + "x" + String(repeating: "{% endif %}", count: 60)
        #expect(try Template(blocks).render([:]) == "x")
        let recursion = "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{% else %}deep{% endif %}{% endmacro %}{{ f(60) }}"
        #expect(try Template(recursion).render([:]) == "deep")
    }

    @Test func aLoopOfABillionIsRefused() {
        #expect(isLimit { () throws(JinjaError) in _ = try Template("{% for i in range(1000000000) %}x{% endfor %}").render([:]) })
        #expect(isLimit { () throws(JinjaError) in _ = try Template("{{ range(10 ** 9) | length }}").render([:]) })
    }

    @Test func nestedLoopsStopAtTheIterationLimit() {
        let source = "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{% endfor %}{% endfor %}{% endfor %}"
        #expect(isLimit { () throws(JinjaError) in _ = try Template(source).render([:], limits: Limits(maxLoopIterations: 20_000)) })
    }

    @Test func hugeRepetitionIsRefusedBeforeItIsBuilt() {
        #expect(isLimit { () throws(JinjaError) in _ = try Template("{{ 'a' * 10**9 }}").render([:]) })
        #expect(isLimit { () throws(JinjaError) in _ = try Template("{{ 'abc' * 9223372036854775807 }}").render([:]) })
        #expect(isLimit { () throws(JinjaError) in _ = try Template("{{ [1, 2] * 10**9 }}").render([:]) })
        #expect(isLimit { () throws(JinjaError) in _ = try Template("{{ '{}'.format('x') * 10**8 }}").render([:]) })
    }

    @Test func doublingAStringInALoopIsStopped() {
        let source = "{% set ns = namespace(s='ab') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}"
        #expect(isLimit { () throws(JinjaError) in _ = try Template(source).render([:]) })
        let join = "{% set ns = namespace(s=['x' * 1000]) %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}{% endfor %}"
        #expect(isLimit { () throws(JinjaError) in _ = try Template(join).render([:]) })
    }

    @Test func outputIsBounded() {
        let source = "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}"
        #expect(isLimit { () throws(JinjaError) in _ = try Template(source).render([:], limits: Limits(maxOutputBytes: 1 << 20)) })
    }

    @Test func macroRecursionIsBounded() {
        let forever = "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"
        #expect(isLimit { () throws(JinjaError) in _ = try Template(forever).render([:]) })
        let mutual = "{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}"
        #expect(isLimit { () throws(JinjaError) in _ = try Template(mutual).render([:]) })
        // Fan-out recursion, shallow but 2^40 calls with no output: stopped by the call budget.
        let fan = "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"
        #expect(isLimit { () throws(JinjaError) in _ = try Template(fan).render([:], limits: Limits(maxLoopIterations: 50_000)) })
    }

    @Test func integerOverflowIsAnError() {
        #expect(throws: JinjaError.self) { try Template("{{ 2 ** 64 }}").render([:]) }
        #expect(throws: JinjaError.self) { try Template("{{ 9223372036854775807 + 1 }}").render([:]) }
    }
}
