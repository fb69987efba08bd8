import Testing
import LlamaSwift

@Suite struct GenerationParametersTests {
    /// Each case changes one value to nonsense and names the flag the error must name.
    static let nonsense: [(flag: String, parameters: GenerationParameters)] = {
        func changed(_ change: (inout GenerationParameters) -> Void) -> GenerationParameters {
            var p = GenerationParameters()
            change(&p)
            return p
        }
        return [
            ("--temp", changed { $0.temperature = -0.1 }),
            ("--top-p", changed { $0.topP = 1.5 }),
            ("--top-p", changed { $0.topP = 0 }),
            ("--top-k", changed { $0.topK = -1 }),
            ("--min-p", changed { $0.minP = 2 }),
            ("--repeat-penalty", changed { $0.repetitionPenalty = 0 }),
            ("--repeat-last-n", changed { $0.repeatLastN = -2 }),
            ("--n-predict", changed { $0.maxTokens = -2 }),
            ("stop", changed { $0.stop = [""] }),
        ]
    }()

    @Test func defaultsAreValid() throws {
        try GenerationParameters().validate()
        try GenerationParameters.greedy(maxTokens: 3).validate()
    }

    @Test(arguments: nonsense)
    func nonsenseIsRejectedNamingTheFlag(flag: String, parameters: GenerationParameters) {
        #expect {
            try parameters.validate()
        } throws: { error in
            guard case .invalidParameter(let name, _, _) = error as? LlamaError else { return false }
            return name == flag
        }
    }
}
