@testable import LlamaHub
import Testing

/// Which file of a listing a quantization, or no quantization, picks.
@Suite struct FileSelectionTests {
    static let files = ["README.md", "m.Q8_0.gguf", "m.Q4_K_M.gguf", "mmproj-m-f16.gguf", "m.Q4_0.gguf"]

    func choose(_ files: [String], _ quantization: String?) throws(HubError) -> String {
        try FileSelection.choose(from: files, quantization: quantization, repository: "o/n")
    }

    @Test func quantizationIgnoresCase() throws {
        #expect(try choose(Self.files, "q8_0") == "m.Q8_0.gguf")
        #expect(try choose(Self.files, "Q4_0") == "m.Q4_0.gguf")
    }

    @Test func defaultPreferenceOrder() throws {
        #expect(try choose(Self.files, nil) == "m.Q4_K_M.gguf")
        #expect(try choose(Self.files.filter { !$0.contains("Q4_K_M") }, nil) == "m.Q4_0.gguf")
        #expect(try choose(["m.F16.gguf", "m.Q8_0.gguf"], nil) == "m.Q8_0.gguf")
        #expect(try choose(["m.F16.gguf", "m.BF16.gguf", "mmproj.gguf"], nil) == "m.BF16.gguf")
    }

    @Test func noMatchListsTheGGUFFiles() async {
        let error = await hubError { try choose(Self.files, "Q2_K") }
        #expect(error == .noMatchingFile(repository: "o/n", quantization: "Q2_K", available: ["m.Q4_0.gguf", "m.Q4_K_M.gguf", "m.Q8_0.gguf", "mmproj-m-f16.gguf"]))
        #expect(error?.description.contains("m.Q4_K_M.gguf") == true)
        #expect(await hubError { try choose(["README.md"], nil) } == .noMatchingFile(repository: "o/n", quantization: nil, available: []))
        #expect(await hubError { try choose(["mmproj-f16.gguf"], nil) } == .noMatchingFile(repository: "o/n", quantization: nil, available: ["mmproj-f16.gguf"]))
        #expect(await hubError { try choose(["mmproj-f16.gguf"], "F16") } == .noMatchingFile(repository: "o/n", quantization: "F16", available: ["mmproj-f16.gguf"]))
    }

    @Test func splitModels() async throws {
        let split = ["m-Q4_K_M-00002-of-00002.gguf", "m-Q4_K_M-00001-of-00002.gguf", "m-Q8_0.gguf"]
        #expect(await hubError { try choose(split, "Q4_K_M") } == .splitModelUnsupported(repository: "o/n", file: "m-Q4_K_M-00001-of-00002.gguf"))
        #expect(try choose(split, nil) == "m-Q8_0.gguf")
        #expect(try choose(split + ["m-Q4_K_M.gguf"], "q4_k_m") == "m-Q4_K_M.gguf")
        #expect(await hubError { try choose(Array(split.prefix(2)), nil) } == .splitModelUnsupported(repository: "o/n", file: "m-Q4_K_M-00001-of-00002.gguf"))
        #expect(FileSelection.isSplit("dir/Model-00003-OF-00010.GGUF"))
        #expect(!FileSelection.isSplit("m-0001-of-0002.gguf"))
        #expect(!FileSelection.isSplit("m-00001-of-00002.bin"))
        #expect(!FileSelection.isSplit("m.Q4_K_M.gguf"))
    }

    /// `Q4_0` standing as a word wins over `Q4_0` inside `Q4_0_4_4`, in whatever order they are listed.
    @Test func wholeWordMatchFirst() throws {
        #expect(try choose(["m.Q4_0_4_4.gguf", "m.Q4_0.gguf"], "q4_0") == "m.Q4_0.gguf")
        #expect(try choose(["m.IQ4_XS.gguf", "m.Q4_K_S.gguf"], "Q4_K") == "m.Q4_K_S.gguf")
        #expect(try choose(["m.Q4_0_4_4.gguf"], "Q4_0") == "m.Q4_0_4_4.gguf")
    }
}
