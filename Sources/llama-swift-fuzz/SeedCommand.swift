#if !LLAMA_FUZZ
import ArgumentParser
import Foundation
import GGUF
import LlamaSwift

/// `seed FOLDER`: writes the binary seeds of the gguf, tokenizer and state targets, small valid
/// inputs the fuzzer starts from (the text targets' seeds are written by hand).
struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "Writes the generated seed inputs into FOLDER/gguf, FOLDER/tokenizer and FOLDER/state.")

    @Argument(help: "The corpus folder (Fuzzing/Corpus).")
    var folder: String

    @Option(help: "The model the state seeds are for (stories260K.gguf, as LLAMA_SWIFT_FUZZ_MODEL in Scripts/fuzz.sh).")
    var model: String

    func run() throws {
        for target in ["gguf", "tokenizer", "state"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + target, withIntermediateDirectories: true)
        }
        try write(Self.everyValueType(), to: "gguf/every-value-type.bin")
        try write(Self.sentencePieceVocabulary(), to: "gguf/spm-vocabulary.bin")
        let texts = ["Hello world, the tea.", "<|im_start|>user\n héllo 123 <s>", ""]
        for (index, text) in texts.enumerated() {
            let prefix = [UInt8(text.utf8.count & 0xff), UInt8(text.utf8.count >> 8)] + Array(text.utf8)
            try write(prefix + Self.sentencePieceVocabulary(), to: "tokenizer/spm-\(index).bin")
            try write(prefix + Self.bytePairVocabulary(pre: index == 1 ? "qwen2" : "llama-bpe"), to: "tokenizer/bpe-\(index).bin")
        }
        let llama = try LlamaModel(path: model)
        for (name, prompt) in [("empty", ""), ("story", "Once upon a time")] {
            let data: Data = try blocking {
                let session = try llama.makeSession(contextSize: 256)
                if !prompt.isEmpty {
                    var parameters = GenerationParameters()
                    parameters.maxTokens = 2
                    parameters.temperature = 0
                    try await session.generate(prompt: prompt, parameters: parameters) { _ in true }
                }
                return try await session.stateData()
            }
            try write(Array(data), to: "state/\(name).state")
        }
    }

    private func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
    }

    /// A file with a value of every type, nested arrays and three tensor types.
    static func everyValueType() throws -> [UInt8] {
        var metadata = GGUFMetadata()
        metadata["general.architecture"] = .string("llama")
        metadata["general.alignment"] = .uint32(16)
        metadata["u8"] = .uint8(1)
        metadata["i16"] = .int16(-2)
        metadata["u64"] = .uint64(3)
        metadata["f"] = .float64(2.5)
        metadata["flag"] = .bool(true)
        metadata["small"] = .array(.int8([1, -2, 3]))
        metadata["text"] = .array(.string(["a", "bc", "déf"]))
        metadata["nested"] = .array(.array([.float32([1, 2]), .array([.bool([true])]), .string(["x"])]))
        var writer = GGUFWriter(metadata: metadata)
        try writer.addTensor(name: "a", type: .q4_0, shape: [64, 2], bytes: [UInt8](repeating: 1, count: 72))
        try writer.addTensor(name: "b", type: .f16, shape: [3, 5], bytes: [UInt8](repeating: 2, count: 30))
        try writer.addTensor(name: "c", type: .q6_K, shape: [256], bytes: [UInt8](repeating: 3, count: 210))
        return try bytes(of: writer)
    }

    /// A SentencePiece vocabulary: control and unknown tokens, the 256 byte tokens, a few pieces.
    static func sentencePieceVocabulary() throws -> [UInt8] {
        var tokens = ["<unk>", "<s>", "</s>", "<|im_start|>"]
        var types: [Int32] = [2, 3, 3, 4]
        for byte in 0..<256 {
            tokens.append(String(format: "<0x%02X>", byte))
            types.append(6)
        }
        let pieces = ["▁", "▁the", "▁a", "e", "t", "h", "▁hello", "llo", "he", "ll", "o", "w", "r", "d", "▁world", "▁t", "ea", ","]
        tokens += pieces
        types += [Int32](repeating: 1, count: pieces.count)
        var metadata = GGUFMetadata()
        metadata["tokenizer.ggml.model"] = .string("llama")
        metadata["tokenizer.ggml.tokens"] = .array(.string(tokens))
        metadata["tokenizer.ggml.scores"] = .array(.float32(tokens.indices.map { -Float($0) }))
        metadata["tokenizer.ggml.token_type"] = .array(.int32(types))
        metadata["tokenizer.ggml.bos_token_id"] = .uint32(1)
        metadata["tokenizer.ggml.eos_token_id"] = .uint32(2)
        return try bytes(of: GGUFWriter(metadata: metadata))
    }

    /// A byte-level BPE vocabulary: the 256 byte characters and a few merges.
    static func bytePairVocabulary(pre: String) throws -> [UInt8] {
        // GPT-2's bytes-to-characters map: printable bytes stand for themselves, the rest for 256 + n.
        var characters: [String] = []
        var shifted = 0
        for byte in 0..<256 {
            let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            let scalar = printable ? byte : 256 + shifted
            if !printable { shifted += 1 }
            characters.append(String(UnicodeScalar(UInt32(scalar))!))
        }
        let merges = ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld", "Ġ t", "Ġt h", "Ġth e", "1 2"]
        let merged = merges.map { $0.replacingOccurrences(of: " ", with: "") }
        let tokens = characters + merged + ["<|begin_of_text|>", "<|end_of_text|>", "<|im_start|>"]
        let types = [Int32](repeating: 1, count: characters.count + merged.count) + [3, 3, 3]
        var metadata = GGUFMetadata()
        metadata["tokenizer.ggml.model"] = .string("gpt2")
        metadata["tokenizer.ggml.pre"] = .string(pre)
        metadata["tokenizer.ggml.tokens"] = .array(.string(tokens))
        metadata["tokenizer.ggml.token_type"] = .array(.int32(types))
        metadata["tokenizer.ggml.merges"] = .array(.string(merges))
        metadata["tokenizer.ggml.bos_token_id"] = .uint32(UInt32(tokens.count - 3))
        metadata["tokenizer.ggml.eos_token_id"] = .uint32(UInt32(tokens.count - 2))
        return try bytes(of: GGUFWriter(metadata: metadata))
    }

    /// The bytes `writer` writes.
    private static func bytes(of writer: GGUFWriter) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("llamaswift-seed-\(UUID().uuidString).gguf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writer.write(to: path)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
#endif
