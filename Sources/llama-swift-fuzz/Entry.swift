#if LLAMA_FUZZ
import Foundation

// Built with the Fuzzing trait and `--sanitize=fuzzer` (Scripts/fuzz.sh): libFuzzer's own `main`
// drives this entry, and `LLAMA_SWIFT_FUZZ_TARGET` names the target.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzedTarget.chosen.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// The target `LLAMA_SWIFT_FUZZ_TARGET` names.
enum FuzzedTarget {
    static let chosen: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["LLAMA_SWIFT_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("llama-swift-fuzz: set LLAMA_SWIFT_FUZZ_TARGET to one of \(names)\n".utf8))
            exit(2)
        }
        return target
    }()
}
#endif
