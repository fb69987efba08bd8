// Times compiling a chat template and rendering a conversation with it, or prints one render.
//
//   jinja-bench TEMPLATE.jinja [MESSAGES]         compile and render timings (MESSAGES: 20)
//   jinja-bench --render TEMPLATE.jinja CONTEXT.json   prints the render of CONTEXT (a JSON object)
import Foundation
import Jinja

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

let arguments = CommandLine.arguments
if arguments.count == 4 && arguments[1] == "--render" {
    guard let source = try? String(contentsOfFile: arguments[2], encoding: .utf8),
          let json = try? String(contentsOfFile: arguments[3], encoding: .utf8) else { fail("cannot read the files") }
    do {
        guard case .object(let object) = try Value(json: json) else { fail("the context must be a JSON object") }
        var context: [String: Value] = [:]
        for (key, value) in object.pairs { context[key.pythonString] = value }
        let fixed = DateTime(year: 2024, month: 7, day: 26, hour: 10, minute: 30)
        FileHandle.standardOutput.write(Data(try Template(source).render(context, now: fixed).utf8))
    } catch {
        fail("\(error)")
    }
    exit(0)
}
guard arguments.count >= 2, let source = try? String(contentsOfFile: arguments[1], encoding: .utf8) else {
    fail("usage: jinja-bench TEMPLATE.jinja [MESSAGES] | --render TEMPLATE.jinja CONTEXT.json")
}
let messageCount = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20

var messages: [Value] = [["role": "system", "content": "You are a helpful assistant."]]
for i in 1..<messageCount {
    let role = i % 2 == 1 ? "user" : "assistant"
    messages.append(["role": .string(role), "content": .string("Message \(i): tell me something about llamas and their wool, please.")])
}
let context: [String: Value] = [
    "messages": .array(messages), "add_generation_prompt": true,
    "bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>",
]

/// The median of `runs` timings of `body`, in microseconds.
func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
    }
    return times.sorted()[runs / 2]
}

do {
    var template = try Template(source)
    let compile = try median(200) { template = try Template(source) }
    var output = ""
    let render = try median(200) { output = try template.render(context) }
    print("compile: \(String(format: "%.1f", compile)) µs (\(source.utf8.count) bytes of template)")
    print("render:  \(String(format: "%.1f", render)) µs (\(messageCount) messages, \(output.utf8.count) bytes out)")
} catch {
    fail("\(error)")
}
