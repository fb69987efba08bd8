import GGUF
import Testing

/// Each kind of broken file is refused with its own error, naming the offset, key or tensor.
@Suite struct ValidationTests {
    func open(_ raw: RawGGUF) throws(GGUFError) -> GGUFFile {
        let file = TemporaryFile()
        defer { file.remove() }
        do { try file.write(raw.bytes) } catch { fatalError("cannot write temporary file: \(error)") }
        return try GGUFFile(path: file.path)
    }

    func expectError(_ expected: GGUFError, _ raw: RawGGUF, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: expected, sourceLocation: sourceLocation) { try open(raw) }
    }

    /// One F32 tensor `w` of 8 elements at relative offset 0.
    func validFile(version: UInt32 = 3) -> RawGGUF {
        var raw = RawGGUF.header(version: version, tensors: 1, keys: 1)
        raw.kvU32("k", 7)
        raw.tensor("w", type: 0, shape: [8], offset: 0)
        raw.data(count: 32)
        return raw
    }

    @Test func validVersions() throws {
        for version: UInt32 in [2, 3] {
            let file = try open(validFile(version: version))
            #expect(file.version == version)
            #expect(try file.metadata.uint32("k") == 7)
            #expect(try file.tensor(named: "w").byteCount == 32)
        }
    }

    @Test func badMagicAndVersions() {
        var raw = validFile()
        raw.bytes[3] = UInt8(ascii: "X")
        expectError(.badMagic(found: 0x5855_4747), raw)
        expectError(.unsupportedVersion(1), validFile(version: 1))
        expectError(.unsupportedVersion(4), validFile(version: 4))
        expectError(.truncated(what: "magic", offset: 0, needed: 4, fileSize: 0), RawGGUF())
    }

    @Test func truncations() {
        let raw = validFile()
        var header = raw
        header.bytes = Array(raw.bytes[0..<12])
        expectError(.truncated(what: "tensor count", offset: 8, needed: 8, fileSize: 12), header)
        var inValue = raw
        inValue.bytes = Array(raw.bytes[0..<(24 + 9 + 4 + 2)])
        expectError(.truncated(what: "value of key 'k'", offset: 37, needed: 4, fileSize: 39), inValue)
        var noData = raw
        noData.bytes.removeLast(4)
        let size = noData.bytes.count
        expectError(.tensorDataOutOfBounds(tensor: "w", offset: size - 28, byteCount: 32, fileSize: size), noData)
    }

    @Test func countsPastTheEnd() {
        var keyLength = RawGGUF.header(tensors: 0, keys: 1)
        keyLength.u64(1 << 40)
        keyLength.data(count: 16)
        expectError(.countTooLarge(what: "length of key of metadata entry 0", offset: 24, count: 1 << 40), keyLength)

        var keys = RawGGUF.header(tensors: 0, keys: UInt64.max)
        keys.kvU32("k", 1)
        expectError(.countTooLarge(what: "metadata key count", offset: 16, count: UInt64.max), keys)

        var tensors = RawGGUF.header(tensors: 1 << 50, keys: 0)
        tensors.data(count: 64)
        expectError(.countTooLarge(what: "tensor count", offset: 8, count: 1 << 50), tensors)

        var array = RawGGUF.header(tensors: 0, keys: 1)
        array.string("a")
        array.u32(9)          // ARRAY
        array.u32(8)          // of STRING
        array.u64(1 << 60)
        expectError(.countTooLarge(what: "element count of array 'a'", offset: 41, count: 1 << 60), array)
    }

    @Test func badMetadata() {
        var duplicate = RawGGUF.header(tensors: 0, keys: 2)
        duplicate.kvU32("k", 1)
        duplicate.kvU32("k", 2)
        expectError(.duplicateKey("k", offset: 41), duplicate)

        var unknown = RawGGUF.header(tensors: 0, keys: 1)
        unknown.string("k")
        unknown.u32(13)
        expectError(.unknownValueType(13, key: "k", offset: 33), unknown)

        var utf8 = RawGGUF.header(tensors: 0, keys: 1)
        utf8.u64(2)
        utf8.bytes += [0xC3, 0x28]
        utf8.data(count: 16)
        expectError(.invalidUTF8(what: "key of metadata entry 0", offset: 24), utf8)

        var deep = RawGGUF.header(tensors: 0, keys: 1)
        deep.string("d")
        deep.u32(9)
        for _ in 0..<40 { deep.u32(9); deep.u64(1) }
        deep.data(count: 64)
        #expect(throws: GGUFError.self) { try open(deep) }

        var alignment = RawGGUF.header(tensors: 0, keys: 1)
        alignment.kvU32("general.alignment", 24)
        expectError(.invalidAlignment("uint32(24)"), alignment)
    }

    @Test func badTensors() {
        func file(_ build: (inout RawGGUF) -> Void) -> RawGGUF {
            var raw = RawGGUF.header(tensors: 1, keys: 0)
            build(&raw)
            raw.data(count: 64)
            return raw
        }
        expectError(.unknownTensorType(99, tensor: "w", offset: 45),
                    file { $0.tensor("w", type: 99, shape: [8], offset: 0) })
        expectError(.removedTensorType(.q4_2, tensor: "w"),
                    file { $0.tensor("w", type: 4, shape: [32], offset: 0) })
        expectError(.notBlockMultiple(tensor: "w", type: .q4_0, firstDimension: 40, blockSize: 32),
                    file { $0.tensor("w", type: 2, shape: [40], offset: 0) })
        expectError(.invalidDimensionCount(5, tensor: "w", offset: 33),
                    file { $0.tensor("w", type: 0, shape: [1, 1, 1, 1, 1], offset: 0) })
        expectError(.invalidDimensionCount(0, tensor: "w", offset: 33),
                    file { $0.tensor("w", type: 0, shape: [], offset: 0) })
        expectError(.tensorSizeOverflow(tensor: "w", shape: [1 << 40, 1 << 40]),
                    file { $0.tensor("w", type: 0, shape: [1 << 40, 1 << 40], offset: 0) })
        expectError(.misalignedTensor(tensor: "w", offset: 4, alignment: 32),
                    file { $0.tensor("w", type: 0, shape: [8], offset: 4) })
        let far = file { $0.tensor("w", type: 0, shape: [8], offset: 1 << 20) }
        expectError(.tensorDataOutOfBounds(tensor: "w", offset: 64 + (1 << 20), byteCount: 32, fileSize: far.bytes.count), far)

        var twice = RawGGUF.header(tensors: 2, keys: 0)
        twice.tensor("w", type: 0, shape: [8], offset: 0)
        twice.tensor("w", type: 0, shape: [8], offset: 32)
        twice.data(count: 64)
        expectError(.duplicateTensor("w", offset: 57), twice)
    }

    @Test func typedAccessorsNameTheKey() throws {
        let file = try open(validFile())
        #expect(throws: GGUFError.missingKey("nope")) { try file.metadata.string("nope") }
        #expect(throws: GGUFError.typeMismatch(key: "k", expected: "STRING", found: "UINT32")) {
            try file.metadata.string("k")
        }
        #expect(throws: GGUFError.missingTensor("v")) { try file.tensor(named: "v") }
        #expect(try file.metadata.int("k") == 7)
        #expect(throws: GGUFError.typeMismatch(key: "k", expected: "ARRAY", found: "UINT32")) {
            try file.metadata.stringArray("k")
        }
    }
}
