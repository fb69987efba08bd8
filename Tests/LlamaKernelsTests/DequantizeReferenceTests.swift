import Foundation
import FixtureSupport
import GGUF
@testable import LlamaKernels
import Testing

/// Our dequantization against gguf-py's, tensor by tensor, on every file in `dequant.json`.
///
/// Every formula follows gguf-py's float32 operations in the same order (for example Q4_K is
/// `(d * scale) * code - (dmin * min)`, two roundings and no fused multiply-add), so the values are
/// bit-identical and the SHA-256 of the float32 little-endian values must match for every tensor.
@Suite struct DequantizeReferenceTests {
    struct Reference {
        let name: String, type: String, shape: [Int]
        let first16: [Double], last16: [Double], sum: Double, sumsq: Double, sha256: String
    }

    /// The fixture path of a model file that `dequant.json` names.
    static func relativePath(_ file: String) -> String {
        file == "stories260K.gguf" ? file : "synthetic/\(file)"
    }

    /// `dequant.json` and every model file it lists, for the test's trait (the reference alone
    /// while it is missing).
    static var neededFiles: [String] {
        let files = (try? Fixtures.jsonObject("reference/dequant.json") as? [String: Any])?.keys.sorted() ?? []
        return ["reference/dequant.json"] + files.map(relativePath)
    }

    static func references() throws -> [String: [Reference]] {
        let json = try #require(try Fixtures.jsonObject("reference/dequant.json") as? [String: [[String: Any]]])
        return json.mapValues { tensors in
            tensors.map { t in
                Reference(
                    name: t["name"] as! String, type: t["type"] as! String, shape: t["shape"] as! [Int],
                    first16: t["first16"] as! [Double], last16: t["last16"] as! [Double],
                    sum: t["sum"] as! Double, sumsq: t["sumsq"] as! Double, sha256: t["sha256_f32le"] as! String)
            }
        }
    }

    @Test(.fixtures(neededFiles)) func everyTensorMatchesGGUFPy() throws {
        let references = try Self.references()
        #expect(!references.isEmpty)
        var checkedTypes = Set<String>()
        for (file, tensors) in references.sorted(by: { $0.key < $1.key }) {
            let path = try Fixtures.path(Self.relativePath(file))
            let gguf = try GGUFFile(path: path)
            for reference in tensors {
                let info = try #require(gguf.tensors.first { $0.name == reference.name }, "\(file): \(reference.name)")
                #expect(info.type.name == reference.type)
                #expect(info.shape == reference.shape)
                let values = try dequantizeAll(gguf, info)
                check(values, against: reference, in: file)
                checkedTypes.insert(reference.type)
            }
        }
        #expect(checkedTypes.isSuperset(of: ["F32", "Q4_0", "Q5_K", "Q6_K"]))
    }

    /// The whole tensor, row by row through `WeightMatrix`, as gguf-py flattens it.
    func dequantizeAll(_ file: GGUFFile, _ info: GGUFTensorInfo) throws -> [Float] {
        let bytes = file.data(for: info)
        let matrix = try WeightMatrix(type: info.type, rows: info.rowCount, columns: info.rowLength, bytes: bytes)
        #expect(matrix.rowBytes * matrix.rows == bytes.count)
        var values = [Float](repeating: 0, count: info.elementCount)
        try values.withUnsafeMutableBufferPointer { out in
            for r in 0..<matrix.rows { try Kernels.dequantize(matrix, row: r, into: out.baseAddress! + r * matrix.columns) }
        }
        return values
    }

    func check(_ values: [Float], against reference: Reference, in file: String) {
        let label = "\(file): \(reference.name) (\(reference.type))"
        // The JSON holds each float32 printed as a float64; converting back to float32 is exact.
        #expect(Array(values.prefix(16)) == reference.first16.map { Float($0) }, "\(label) first16")
        #expect(Array(values.suffix(16)) == reference.last16.map { Float($0) }, "\(label) last16")
        var sum = 0.0, sumsq = 0.0
        for v in values { sum += Double(v); sumsq += Double(v) * Double(v) }
        #expect(relativeDifference(sum, reference.sum) <= 1e-6, "\(label) sum \(sum) vs \(reference.sum)")
        #expect(relativeDifference(sumsq, reference.sumsq) <= 1e-6, "\(label) sumsq \(sumsq) vs \(reference.sumsq)")
        // The tests run on little-endian hosts (x86-64, arm64), where the in-memory floats are float32 LE.
        let digest = values.withUnsafeBytes { SHA256.hex($0) }
        #expect(digest == reference.sha256, "\(label) sha256")
    }

    /// |a − b| relative to the larger magnitude (with a floor, for sums near zero), both float64.
    func relativeDifference(_ a: Double, _ b: Double) -> Double {
        abs(a - b) / max(abs(a), abs(b), 1e-3)
    }

    @Test func sha256KnownAnswers() {
        #expect(Array("abc".utf8).withUnsafeBytes { SHA256.hex($0) } == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect([UInt8]().withUnsafeBytes { SHA256.hex($0) } == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(million.withUnsafeBytes { SHA256.hex($0) } == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
