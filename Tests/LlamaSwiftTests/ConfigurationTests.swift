import FixtureSupport
import LlamaSwift
import Testing

/// `LlamaConfiguration`: the JSON object the C API, `--config` and `serve --config` share.
struct ConfigurationTests {
    /// The error a configuration text gets, or nil when it reads.
    private func failure(_ json: String, sections: Set<LlamaConfiguration.Section> = Set(LlamaConfiguration.Section.allCases)) -> LlamaError? {
        do {
            _ = try LlamaConfiguration(json: json, source: "test.json", sections: sections).generationParameters(source: "test.json")
            return nil
        } catch {
            return error
        }
    }

    @Test func readsEveryKeyItSets() throws {
        let configuration = try LlamaConfiguration(json: """
            {"model": "m.gguf", "backend": "blas", "device": 1, "threads": 3, "context_size": 1024, "batch_size": 64,
             "cache_type_k": "q8_0", "cache_type_v": "q8_0", "chat_template": "chatml", "temperature": 0.25, "top_k": 7,
             "top_p": 0.5, "min_p": 0.1, "repeat_penalty": 1.1, "repeat_last_n": 32, "frequency_penalty": 0.5,
             "presence_penalty": 0.25, "seed": 42, "max_tokens": 16, "stop": ["\\n\\n", "END"], "host": "0.0.0.0",
             "port": 0, "parallel": 2, "queue_size": 3, "offline": true, "alias": "gpt-x"}
            """)
        #expect(configuration.model == "m.gguf")
        #expect(configuration.backend == .blas)
        #expect(configuration.device == 1)
        #expect(configuration.threads == 3)
        #expect(configuration.contextSize == 1024)
        #expect(configuration.batchSize == 64)
        #expect(configuration.cacheType == .q8_0)
        #expect(configuration.chatTemplate == "chatml")
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 0)
        #expect(configuration.parallel == 2)
        #expect(configuration.queueSize == 3)
        #expect(configuration.alias == "gpt-x")
        #expect(configuration.offline == true)
        let parameters = try configuration.generationParameters()
        #expect(parameters.temperature == 0.25)
        #expect(parameters.topK == 7)
        #expect(parameters.topP == 0.5)
        #expect(parameters.minP == Float(0.1))
        #expect(parameters.repetitionPenalty == Float(1.1))
        #expect(parameters.repeatLastN == 32)
        #expect(parameters.frequencyPenalty == 0.5)
        #expect(parameters.presencePenalty == 0.25)
        #expect(parameters.seed == 42)
        #expect(parameters.maxTokens == 16)
        #expect(parameters.stop == ["\n\n", "END"])
    }

    @Test func unsetKeysKeepTheDefaults() throws {
        let parameters = try LlamaConfiguration(json: "{\"seed\": -1}").generationParameters()
        var expected = GenerationParameters()
        expected.seed = nil
        #expect(parameters == expected)
        #expect(LlamaConfiguration().threads == nil)
    }

    @Test func schemaAndGrammarBecomeConstraints() throws {
        let schema = try LlamaConfiguration(json: #"{"json_schema": {"type": "object"}}"#).generationParameters()
        #expect(schema.constraint == .jsonSchema(#"{"type":"object"}"#))
        let grammar = try LlamaConfiguration(json: #"{"grammar": "root ::= \"a\""}"#).generationParameters()
        #expect(grammar.constraint == .grammar(#"root ::= "a""#))
        let broken = failure(#"{"grammar": "root ::= ("}"#)
        #expect(broken?.description.contains("key 'grammar'") == true, "\(String(describing: broken))")
    }

    @Test(arguments: [
        (#"{"thread": 2}"#, "key 'thread': unknown key"),
        (#"{"threads": "two"}"#, "key 'threads': must be an integer"),
        (#"{"threads": 0}"#, "key 'threads': must be an integer in 1...1024"),
        (#"{"threads": 1.5}"#, "key 'threads'"),
        (#"{"port": 70000}"#, "key 'port': must be an integer in 0...65535"),
        (#"{"backend": "cuda"}"#, "key 'backend': must be one of cpu, blas, vulkan, auto"),
        (#"{"temperature": "hot"}"#, "key 'temperature': must be a number"),
        (#"{"top_p": 2}"#, "key 'top_p': 2.0: must be in (0, 1]"),
        (#"{"temperature": -1}"#, "key 'temperature'"),
        (#"{"stop": [1]}"#, "key 'stop'"),
        (#"{"stop": [""]}"#, "key 'stop'"),
        (#"{"model": ""}"#, "key 'model': must not be empty"),
        (#"{"offline": "yes"}"#, "key 'offline': must be true or false"),
        (#"{"cache_type_k": "f16", "cache_type_v": "q8_0"}"#, "key 'cache_type_v'"),
        (#"{"model": "a.gguf", "hf_repo": "o/r"}"#, "key 'hf_repo': give model or hf_repo, not both"),
        (#"{"hf_file": "a.gguf"}"#, "key 'hf_file': needs hf_repo"),
        (#"{"threads": 1, "threads": 2}"#, "key 'threads': given twice"),
        (#"{"threads": 1,}"#, "test.json: not valid JSON"),
        (#"[1, 2]"#, "test.json: must be a JSON object"),
    ])
    func badValuesNameTheKey(json: String, message: String) {
        let error = failure(json)
        #expect(error?.description.contains(message) == true, "\(json): \(String(describing: error))")
        #expect(error?.description.hasPrefix("test.json: ") == true)
    }

    @Test func sectionsRefuseKeysOfOthers() {
        let error = failure(#"{"model": "x.gguf", "temperature": 0}"#, sections: [.sampling])
        #expect(error?.description.contains("key 'model': a model setting cannot be given here") == true, "\(String(describing: error))")
        #expect(failure(#"{"temperature": 0}"#, sections: [.sampling]) == nil)
    }

    @Test func mergingTakesTheOthersKeys() throws {
        let base = try LlamaConfiguration(json: #"{"threads": 2, "temperature": 0.5, "max_tokens": 8}"#)
        let merged = base.merging(try LlamaConfiguration(json: #"{"temperature": 0}"#))
        #expect(merged.threads == 2)
        #expect(try merged.generationParameters().temperature == 0)
        #expect(try merged.generationParameters().maxTokens == 8)
    }

    @Test func aFileThatIsNotThereNamesItself() {
        #expect(throws: LlamaError.invalidConfiguration(source: "/nonexistent/c.json", key: nil, reason: "cannot read the file")) {
            try LlamaConfiguration(contentsOfFile: "/nonexistent/c.json")
        }
    }

    @Test(.fixtures("stories260K.gguf"))
    func modelAndSessionFollowTheConfiguration() throws {
        let path = try Fixtures.path("stories260K.gguf")
        let configuration = try LlamaConfiguration(json: """
            {"model": "\(path)", "threads": 1, "context_size": 96, "cache_type_k": "f32"}
            """)
        let model = try LlamaModel(configuration: configuration)
        let session = try model.makeSession(configuration: configuration)
        #expect(session.contextSize == 96)
        #expect(session.cacheType == .f32)
        #expect(throws: LlamaError.self) { try LlamaModel(configuration: LlamaConfiguration()) }
    }
}
