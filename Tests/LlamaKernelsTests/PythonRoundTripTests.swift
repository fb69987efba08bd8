import FixtureSupport
import Foundation
import GGUF
@testable import LlamaKernels
import Testing

/// Rows quantized by us, decoded by gguf-py (`gguf.quants.dequantize`): the bytes we write must
/// mean to gguf-py exactly what they mean to us. Where llama.cpp's ggml library is present
/// (`$LLAMA_CPP_LIB_PATH`, or where `build-llama-cpp-reference.sh` puts it), the script also
/// quantizes the same floats with llama.cpp and we check that our encoders lose no more accuracy.
@Suite struct PythonRoundTripTests {
    static let rows = 8, columns = 1024

    static let script = #"""
    import ctypes, glob, os, sys
    import numpy as np
    from gguf.quants import dequantize
    from gguf import GGMLQuantizationType
    folder, rows, columns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    names = sys.argv[4:]
    x = np.fromfile(os.path.join(folder, "x.f32"), dtype=np.float32).reshape(rows, columns)
    candidates = [os.path.join(os.environ.get("LLAMA_CPP_LIB_PATH", ""), "libggml-base.so"),
                  os.path.expanduser("~/.cache/llama-cpp-ref/bin/libggml-base.so")]
    candidates += glob.glob(os.path.expanduser("~/.cache/llama-cpp-ref/src/*/vendor/llama.cpp/build/bin/libggml-base.so"))
    lib = None
    for path in candidates:
        if os.path.exists(path):
            lib = ctypes.CDLL(path)
            lib.ggml_quantize_chunk.restype = ctypes.c_size_t
            lib.ggml_quantize_chunk.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                                                ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
            break
    for name in names:
        qtype = GGMLQuantizationType[name]
        ours = np.fromfile(os.path.join(folder, name + ".bin"), dtype=np.uint8).reshape(rows, -1)
        dequantize(ours, qtype).astype(np.float32).tofile(os.path.join(folder, name + ".out"))
        if lib is not None:
            dst = np.zeros(ours.size, dtype=np.uint8)
            lib.ggml_quantize_chunk(int(qtype), x.ctypes.data, dst.ctypes.data, 0, rows, columns, None)
            theirs = dequantize(dst.reshape(rows, -1), qtype).astype(np.float64)
            error = np.sqrt(((theirs - x) ** 2).sum() / (x.astype(np.float64) ** 2).sum())
            print(f"llama.cpp {name} {float(error)!r}")
    """#

    /// Runs `python3` with `arguments`; returns its exit status and output.
    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.pythonWithGGUF()) func ggufPyDecodesOurRowsAsWeDo() throws {
        try Python.requireGGUF()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("llamakernels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        var rng = SplitMix64(seed: 12)
        let x = rng.weights(Self.rows * Self.columns)
        try x.withUnsafeBytes { try Data($0).write(to: folder.appendingPathComponent("x.f32")) }
        var ours: [GGMLType: [Float]] = [:]
        for type in allTypes {
            let bytes = try quantized(x, as: type)
            try Data(bytes).write(to: folder.appendingPathComponent("\(type.name).bin"))
            ours[type] = try dequantized(bytes, as: type, count: x.count)
        }
        let scriptURL = folder.appendingPathComponent("roundtrip.py")
        try Self.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let run = try Self.python([scriptURL.path, folder.path, "\(Self.rows)", "\(Self.columns)"] + allTypes.map(\.name))
        try #require(run.status == 0, "python failed: \(run.output)")

        for type in allTypes {
            let data = try Data(contentsOf: folder.appendingPathComponent("\(type.name).out"))
            let theirs = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let mine = ours[type]!
            #expect(theirs.count == mine.count)
            #expect(zip(theirs, mine).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(type.name): gguf-py decodes our bytes differently")
        }

        let llamaErrors = run.output.split(separator: "\n").filter { $0.hasPrefix("llama.cpp ") }
        if llamaErrors.isEmpty { print("llama.cpp's ggml library not found: accuracy comparison skipped") }
        for line in llamaErrors {
            let parts = line.split(separator: " ")
            let type = try #require(GGMLType(name: String(parts[1])))
            let theirError = try #require(Double(parts[2]))
            var error = 0.0, norm = 0.0
            for (a, b) in zip(x, ours[type]!) { error += Double(a - b) * Double(a - b); norm += Double(a) * Double(a) }
            let ourError = (error / norm).squareRoot()
            print("relative RMS error \(type.name): ours \(ourError), llama.cpp \(theirError)")
            // Ours may not be worse than llama.cpp's beyond 1 % (the simple types use llama.cpp's
            // own rounding rule and differ only in whether the inverse scale is rounded first).
            #expect(ourError <= theirError * 1.01, "\(type.name): ours \(ourError) vs llama.cpp \(theirError)")
        }
    }
}
