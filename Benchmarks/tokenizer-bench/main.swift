// Measures LlamaTokenizer encode and decode speed on about 1 MB of English, Swift code and CJK
// text with the LLaMA 3 vocabulary.
//
//   swift run -c release tokenizer-bench [vocab.gguf] [text-file]
//
// TOKENIZER_BENCH_WRITE_CORPUS=path writes the built corpus there (to feed other tokenizers).
// Without a text file the corpus is built from this package's own Markdown and Swift files
// plus CJK sentences drawn from a fixed character list with a seeded generator, so every run
// measures the same bytes.
import Foundation
import GGUF
import LlamaTokenizer

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let arguments = CommandLine.arguments.dropFirst()
let vocabPath = arguments.first
    ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/tokenizer/ggml-vocab-llama-bpe.gguf").path

func files(withExtension ext: String, under folder: String) -> [String] {
    let root = packageRoot.appendingPathComponent(folder)
    guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
    return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(ext) }.sorted()
        .compactMap { try? String(contentsOf: root.appendingPathComponent($0), encoding: .utf8) }
}

/// A deterministic xorshift generator, so the CJK part is the same on every run.
struct XorShift {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next(_ bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(state % UInt64(bound))
    }
}

func cjkText(bytes: Int) -> String {
    let characters = Array("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严")
    let punctuation = Array("，。、；：？！")
    var generator = XorShift()
    var text = ""
    while text.utf8.count < bytes {
        for _ in 0..<(8 + generator.next(24)) { text.append(characters[generator.next(characters.count)]) }
        text.append(punctuation[generator.next(punctuation.count)])
        if generator.next(6) == 0 { text.append("\n") }
    }
    return text
}

func buildCorpus(bytes target: Int) -> String {
    let english = files(withExtension: ".md", under: "").joined(separator: "\n\n")
    let code = files(withExtension: ".swift", under: "Sources").joined(separator: "\n\n")
    // About 45% English, 40% code, 15% CJK by bytes.
    func repeated(_ text: String, bytes: Int) -> Substring {
        var result = text
        while result.utf8.count < bytes { result += "\n\n" + text }
        var end = result.startIndex
        var count = 0
        for character in result {
            count += character.utf8.count
            if count > bytes { break }
            end = result.index(after: end)
        }
        return result[..<end]
    }
    return repeated(english, bytes: target * 45 / 100) + "\n\n" + repeated(code, bytes: target * 40 / 100)
        + "\n\n" + cjkText(bytes: target * 15 / 100)
}

let corpus: String
if arguments.count >= 2 {
    corpus = try String(contentsOfFile: arguments[arguments.startIndex + 1], encoding: .utf8)
} else {
    corpus = buildCorpus(bytes: 1_000_000)
    if let path = ProcessInfo.processInfo.environment["TOKENIZER_BENCH_WRITE_CORPUS"] {
        try corpus.write(toFile: path, atomically: true, encoding: .utf8)
        print("corpus written to \(path)")
    }
}
let megabytes = Double(corpus.utf8.count) / 1_000_000

let loadStart = Date()
let tokenizer = try LlamaTokenizer(metadata: GGUFFile(path: vocabPath).metadata)
print(String(format: "vocabulary: %d tokens, loaded in %.0f ms", tokenizer.vocabularySize, Date().timeIntervalSince(loadStart) * 1000))
print(String(format: "corpus: %.2f MB", megabytes))

/// Seconds of CPU time this thread has used: unlike wall time, it does not count the time the
/// thread waits while other processes run (the benchmark machine may be shared).
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// The fastest of `runs` runs, as (wall seconds, thread CPU seconds).
func best(of runs: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
    var fastest = (wall: Double.infinity, cpu: Double.infinity)
    for _ in 0..<runs {
        let wallStart = Date()
        let cpuStart = threadCPUSeconds()
        body()
        fastest.cpu = min(fastest.cpu, threadCPUSeconds() - cpuStart)
        fastest.wall = min(fastest.wall, Date().timeIntervalSince(wallStart))
    }
    return fastest
}

func report(_ name: String, _ seconds: (wall: Double, cpu: Double), _ extra: String = "") {
    print(String(format: "%@: %.2f MB/s by CPU time (%.1f ms), %.2f MB/s by wall time (%.1f ms)%@",
                 name, megabytes / seconds.cpu, seconds.cpu * 1000, megabytes / seconds.wall, seconds.wall * 1000, extra))
}

var tokens: [Int] = []
let encodeSeconds = best(of: 7) { tokens = tokenizer.encode(corpus) }
report("encode", encodeSeconds, ", \(tokens.count) tokens")
var decoded = ""
let decodeSeconds = best(of: 7) { decoded = tokenizer.decode(tokens) }
report("decode", decodeSeconds)
print("round trip: \(decoded == corpus ? "identical" : "DIFFERENT")")

// Latency of a typical chat prompt, which is what generation pays per turn.
let prompt = "<|start_header_id|>user<|end_header_id|>\n\nWrite a haiku about the Swift programming language"
    + " and explain, in two sentences, why value types matter.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
let repeats = 2000
let promptSeconds = best(of: 3) {
    for _ in 0..<repeats { tokens = tokenizer.encode(prompt, parseSpecial: true) }
}
print(String(format: "short prompt (%d bytes, %d tokens, special tokens parsed): %.1f µs per encode by CPU time",
             prompt.utf8.count, tokens.count, promptSeconds.cpu / Double(repeats) * 1e6))
