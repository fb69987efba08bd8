import FixtureSupport
import Foundation
import Jinja
import Testing

/// Every template in `reference/chat-templates.json`, rendered for every conversation with and
/// without the generation prompt, against Python jinja2's output (as transformers sets it up).
@Suite struct ChatTemplateFixtureTests {
    /// jinja2's renders are at 2024-07-26 10:30:00 (the fixture's fixed `strftime_now` time).
    static let fixtureTime = DateTime(year: 2024, month: 7, day: 26, hour: 10, minute: 30)

    @Test("every template renders as jinja2 did", .fixtures("reference/chat-templates.json"))
    func rendersMatchJinja2() throws {
        let path = try Fixtures.path("reference/chat-templates.json")
        let reference = try Value(json: String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
        guard case .object(let root) = reference, case .object(let conversations)? = root["conversations"],
              case .object(let templates)? = root["templates"] else {
            Issue.record("chat-templates.json has no conversations or templates")
            return
        }
        let fixturesRoot = URL(fileURLWithPath: path).deletingLastPathComponent().deletingLastPathComponent()
        var total = 0
        var matched = 0
        var raisedAsJinja2 = 0
        var quirks = 0
        var mismatches: [String] = []
        for (nameValue, entryValue) in templates.pairs {
            let name = nameValue.pythonString
            guard case .object(let entry) = entryValue, case .string(let file)? = entry["file"],
                  case .array(let renders)? = entry["renders"] else { continue }
            let source = try String(contentsOf: fixturesRoot.appendingPathComponent(file), encoding: .utf8)
            let template: Template
            do {
                template = try Template(source)
            } catch {
                mismatches.append("\(name): does not compile: \(error)")
                total += renders.count
                continue
            }
            for renderValue in renders {
                guard case .object(let render) = renderValue, case .string(let conversationName)? = render["conversation"],
                      case .object(let conversation)? = conversations[conversationName],
                      case .bool(let addGenerationPrompt)? = render["add_generation_prompt"] else { continue }
                total += 1
                var context: [String: Value] = ["add_generation_prompt": .bool(addGenerationPrompt)]
                for (key, value) in conversation.pairs { context[key.pythonString] = value }
                for key in ["bos_token", "eos_token"] {
                    if let value = entry[key], !(value == .none) { context[key] = value }
                }
                if case .object(let extra)? = entry["extra_context"] {
                    for (key, value) in extra.pairs { context[key.pythonString] = value }
                }
                let label = "\(name) / \(conversationName) / add_generation_prompt=\(addGenerationPrompt)"
                let result: Result<String, JinjaError>
                do { result = .success(try template.render(context, now: Self.fixtureTime)) } catch { result = .failure(error) }
                if render["raises"] == .bool(true) {
                    let kind = render["error_kind"]?.pythonString ?? ""
                    switch result {
                    case .success(let text):
                        // The allowed quirks: the sandbox refusing list.append, tojson of a map() generator.
                        if kind == "sandbox" || (render["error"]?.pythonString ?? "").contains("generator") {
                            matched += 1
                            quirks += 1
                        } else {
                            mismatches.append("\(label): jinja2 raised (\(kind)) but we rendered \(text.prefix(120).debugDescription)")
                        }
                    case .failure(let error):
                        if kind == "raise_exception", error != .raised(render["error"]?.pythonString ?? "") {
                            mismatches.append("\(label): expected raise_exception(\(render["error"]?.pythonString ?? "")), got \(error)")
                        } else {
                            matched += 1
                            raisedAsJinja2 += 1
                        }
                    }
                } else {
                    let expected = render["output"]?.pythonString ?? ""
                    switch result {
                    case .success(let text) where text == expected:
                        matched += 1
                    case .success(let text):
                        mismatches.append("\(label): output differs\n\(firstDifference(text, expected))")
                    case .failure(let error):
                        mismatches.append("\(label): raised \(error)")
                    }
                }
            }
        }
        print("chat-templates.json: \(matched) of \(total) renders match jinja2 (\(raisedAsJinja2) of them errors where jinja2 raised, \(quirks) allowed quirks)")
        for mismatch in mismatches { Issue.record(Comment(rawValue: mismatch)) }
        #expect(total > 0)
    }

    /// Where two renders part, with some context on each side.
    private func firstDifference(_ got: String, _ expected: String) -> String {
        let a = Array(got.unicodeScalars)
        let b = Array(expected.unicodeScalars)
        var i = 0
        while i < a.count && i < b.count && a[i] == b[i] { i += 1 }
        func excerpt(_ s: [Unicode.Scalar]) -> String {
            String(String.UnicodeScalarView(s[max(0, i - 60)..<min(s.count, i + 60)])).debugDescription
        }
        return "  at character \(i)\n  got:      \(excerpt(a))\n  expected: \(excerpt(b))"
    }
}
