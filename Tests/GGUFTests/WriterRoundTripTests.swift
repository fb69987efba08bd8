import FixtureSupport
import Foundation
import GGUF
import Testing

@Suite struct WriterRoundTripTests {
    /// Copies every key and tensor of `file` into a writer.
    static func writer(copying file: GGUFFile) throws -> GGUFWriter {
        var writer = GGUFWriter(metadata: file.metadata)
        for t in file.tensors {
            try writer.addTensor(name: t.name, type: t.type, shape: t.shape) { buffer in
                buffer.copyMemory(from: file.data(for: t))
            }
        }
        return writer
    }

    @Test(.fixtures("stories260K.gguf")) func storiesRoundTripIsIdentical() throws {
        let path = try Fixtures.path("stories260K.gguf")
        let original = try GGUFFile(path: path)
        let out = TemporaryFile()
        defer { out.remove() }
        try Self.writer(copying: original).write(to: out.path)

        let copy = try GGUFFile(path: out.path)
        #expect(copy.metadata == original.metadata)
        #expect(copy.alignment == original.alignment)
        #expect(copy.tensors.count == original.tensors.count)
        for (a, b) in zip(original.tensors, copy.tensors) {
            #expect(a.name == b.name && a.type == b.type && a.shape == b.shape && a.relativeOffset == b.relativeOffset)
            #expect(original.data(for: a).elementsEqual(copy.data(for: b)), "tensor \(a.name) bytes")
        }
        // stories260K was written with the same layout rules, so the whole file is identical.
        #expect(FileManager.default.contents(atPath: path) == FileManager.default.contents(atPath: out.path))
    }

    @Test func everyValueTypeRoundTrips() throws {
        var metadata = GGUFMetadata()
        metadata["general.architecture"] = .string("test")
        metadata["general.alignment"] = .uint32(64)
        metadata["u8"] = .uint8(200)
        metadata["i8"] = .int8(-100)
        metadata["u16"] = .uint16(60000)
        metadata["i16"] = .int16(-30000)
        metadata["u32"] = .uint32(4_000_000_000)
        metadata["i32"] = .int32(-2_000_000_000)
        metadata["u64"] = .uint64(UInt64.max)
        metadata["i64"] = .int64(Int64.min)
        metadata["f32"] = .float32(-1.5e-7)
        metadata["f64"] = .float64(.pi)
        metadata["bool"] = .bool(true)
        metadata["str"] = .string("héllo\nwörld ✓ 🦙")
        metadata["empty"] = .array(.string([]))
        metadata["floats"] = .array(.float32([1, -2.5, .infinity]))
        metadata["bools"] = .array(.bool([true, false, true]))
        metadata["nested"] = .array(.array([.int32([1, 2, 3]), .string(["a", "b"]), .array([.uint8([7])])]))
        var writer = GGUFWriter(metadata: metadata)
        let weights = (0..<96).map { Float($0) * 0.25 }
        try writer.addTensor(name: "a", type: .f32, shape: [32, 3], bytes: weights.withUnsafeBytes { Array($0) })
        try writer.addTensor(name: "b", type: .q8_0, shape: [64], bytes: [UInt8](repeating: 3, count: 68))
        let out = TemporaryFile()
        defer { out.remove() }
        try writer.write(to: out.path)

        let file = try GGUFFile(path: out.path)
        #expect(file.version == 3)
        #expect(file.metadata == metadata)
        #expect(file.alignment == 64)
        #expect(file.dataOffset % 64 == 0)
        let b = try file.tensor(named: "b")
        #expect(b.relativeOffset == 384)  // 96 floats = 384 bytes, a multiple of 64
        #expect(file.data(for: b).allSatisfy { $0 == 3 })
        let a = try file.tensor(named: "a")
        #expect(file.data(for: a).withMemoryRebound(to: Float.self) { Array($0) } == weights)
    }

    @Test func writerRefusesBadTensors() throws {
        var writer = GGUFWriter()
        #expect(throws: GGUFError.notBlockMultiple(tensor: "q", type: .q4_0, firstDimension: 33, blockSize: 32)) {
            try writer.addTensor(name: "q", type: .q4_0, shape: [33], bytes: [])
        }
        try writer.addTensor(name: "x", type: .f32, shape: [1], bytes: [0, 0, 0, 0])
        #expect(throws: GGUFError.invalidWriterInput("duplicate tensor name 'x'")) {
            try writer.addTensor(name: "x", type: .f32, shape: [1], bytes: [0, 0, 0, 0])
        }
        try writer.addTensor(name: "short", type: .f32, shape: [2], bytes: [0, 0, 0, 0])
        let out = TemporaryFile()
        defer { out.remove() }
        #expect(throws: GGUFError.self) { try writer.write(to: out.path) }
    }

    /// gguf-py (`pip install gguf`) reads what our writer wrote.
    @Test(.fixtures("stories260K.gguf"), .pythonWithGGUF()) func ggufPyReadsOurFile() throws {
        let path = try Fixtures.path("stories260K.gguf")
        try Python.requireGGUF()
        let original = try GGUFFile(path: path)
        let out = TemporaryFile()
        defer { out.remove() }
        var writer = try Self.writer(copying: original)
        writer.metadata["test.nested"] = .array(.array([.int32([1, 2]), .string(["x"])]))
        try writer.write(to: out.path)

        let script = """
            import sys, json, gguf, numpy as np
            r = gguf.GGUFReader(sys.argv[1])
            out = {"keys": [f.name for f in r.fields.values() if not f.name.startswith("GGUF.")],
                   "tensors": [[t.name, t.tensor_type.name, [int(x) for x in t.shape], float(np.asarray(t.data, dtype=np.float64).sum())] for t in r.tensors],
                   "arch": str(bytes(r.fields["general.architecture"].parts[-1]), "utf-8")}
            print(json.dumps(out))
            """
        let output = try Python.run(script, arguments: [out.path])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(json["keys"] as? [String] == writer.metadata.keys)
        #expect(json["arch"] as? String == "llama")
        let tensors = try #require(json["tensors"] as? [[Any]])
        #expect(tensors.count == original.tensors.count)
        for (t, row) in zip(original.tensors, tensors) {
            #expect(row[0] as? String == t.name)
            #expect(row[1] as? String == t.type.name)
            #expect(row[2] as? [Int] == t.shape)
            let sum = original.data(for: t).withMemoryRebound(to: Float.self) { $0.reduce(0.0) { $0 + Double($1) } }
            let theirs = try #require(row[3] as? Double)
            #expect(abs(theirs - sum) <= 1e-9 * max(1, abs(sum)), "\(t.name) sum")
        }
    }
}
