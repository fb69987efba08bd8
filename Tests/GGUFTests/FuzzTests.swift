import FixtureSupport
import Foundation
import GGUF
import Testing

/// Mutated and truncated files either open cleanly or throw a `GGUFError`: never a crash, hang or trap.
@Suite struct FuzzTests {
    /// A file exercising every value type, nested arrays and a few tensor types.
    static func syntheticSeed(at path: String) throws {
        var metadata = GGUFMetadata()
        metadata["general.architecture"] = .string("fuzz")
        metadata["general.alignment"] = .uint32(16)
        metadata["small"] = .array(.int8([1, -2, 3]))
        metadata["wide"] = .array(.uint64([1, 2, 3]))
        metadata["text"] = .array(.string(["a", "bc", "déf"]))
        metadata["nested"] = .array(.array([.float32([1, 2]), .array([.bool([true])]), .string(["x"])]))
        metadata["f"] = .float64(2.5)
        var writer = GGUFWriter(metadata: metadata)
        try writer.addTensor(name: "a", type: .q4_0, shape: [64, 2], bytes: [UInt8](repeating: 1, count: 72))
        try writer.addTensor(name: "b", type: .f16, shape: [3, 5], bytes: [UInt8](repeating: 2, count: 30))
        try writer.addTensor(name: "c", type: .q6_K, shape: [256], bytes: [UInt8](repeating: 3, count: 210))
        try writer.write(to: path)
    }

    /// Opens `path`, checking that anything that opens is internally consistent.
    static func probe(_ path: String) -> Bool {
        do {
            let file = try GGUFFile(path: path)
            for t in file.tensors {
                precondition(t.offset >= file.dataOffset && t.offset + t.byteCount <= file.fileSize)
                precondition(file.data(for: t).count == t.byteCount)
            }
            return true
        } catch {
            _ = error.description
            return false
        }
    }

    func fuzz(seedFile: String, cases: Int, seed: UInt64) throws -> (opened: Int, refused: Int) {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: seedFile)))
        let headerEnd = try GGUFFile(path: seedFile).dataOffset
        var rng = SplitMix64(seed: seed)
        let work = TemporaryFile("fuzz.gguf")
        let prefix = TemporaryFile("prefix.gguf")
        defer { work.remove(); prefix.remove() }
        try work.write(original)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: work.path))
        defer { try? handle.close() }

        var opened = 0, refused = 0
        for _ in 0..<cases {
            let inHeader = Int.random(in: 0..<100, using: &rng) < 85
            let limit = inHeader ? headerEnd : original.count
            switch Int.random(in: 0..<3, using: &rng) {
            case 0:
                // Truncate.
                try prefix.write(Array(original[0..<Int.random(in: 0..<limit, using: &rng)]))
                if Self.probe(prefix.path) { opened += 1 } else { refused += 1 }
                continue
            default:
                // Overwrite a few bytes, or a whole 8-byte field with an extreme value.
                var patches: [(Int, [UInt8])] = []
                if Bool.random(using: &rng) {
                    for _ in 0..<Int.random(in: 1...8, using: &rng) {
                        patches.append((Int.random(in: 0..<limit, using: &rng), [UInt8.random(in: 0...255, using: &rng)]))
                    }
                } else {
                    let extremes: [UInt64] = [0, 1, 0xFF, 0xFFFF_FFFF, 1 << 31, 1 << 62, UInt64.max, UInt64.random(in: 0...UInt64.max, using: &rng)]
                    let value = extremes.randomElement(using: &rng)!
                    let at = Int.random(in: 0..<max(1, limit - 8), using: &rng)
                    patches.append((at, withUnsafeBytes(of: value.littleEndian) { Array($0) }))
                }
                for (at, bytes) in patches {
                    try handle.seek(toOffset: UInt64(at))
                    try handle.write(contentsOf: bytes)
                }
                if Self.probe(work.path) { opened += 1 } else { refused += 1 }
                for (at, bytes) in patches {
                    try handle.seek(toOffset: UInt64(at))
                    try handle.write(contentsOf: original[at..<min(at + bytes.count, original.count)])
                }
            }
        }
        return (opened, refused)
    }

    @Test func mutatedSyntheticFiles() throws {
        let seedFile = TemporaryFile("seed.gguf")
        defer { seedFile.remove() }
        try Self.syntheticSeed(at: seedFile.path)
        let (opened, refused) = try fuzz(seedFile: seedFile.path, cases: 3000, seed: 0x5EED)
        #expect(opened + refused == 3000)
        #expect(opened > 0 && refused > 0)
    }

    @Test(.fixtures("stories260K.gguf")) func mutatedStories() throws {
        let path = try Fixtures.path("stories260K.gguf")
        let (opened, refused) = try fuzz(seedFile: path, cases: 2000, seed: 260)
        #expect(opened + refused == 2000)
        #expect(opened > 0 && refused > 0)
    }
}
