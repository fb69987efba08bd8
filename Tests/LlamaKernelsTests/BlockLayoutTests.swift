import GGUF
@testable import LlamaKernels
import Testing

/// The block geometry the kernels name once per format: sizes against GGUF's type table, and
/// each format's field offsets against its block size.
@Suite struct BlockLayoutTests {
    @Test(arguments: Kernels.supportedTypes)
    func formatsMatchTheTypeTable(_ type: GGMLType) throws {
        let format = try #require(Kernels.format(for: type))
        let table = try #require(type.blockLayout)
        #expect(format.type == type)
        #expect(format.blockElements == table.elements, "\(type.name)")
        #expect(format.blockBytes == table.bytes, "\(type.name)")
        // One weight block meets a whole number of activation blocks.
        #expect(format.activationBytesPerBlock > 0)
        if let repacked = format.repacked {
            #expect(repacked.type == type)
            #expect(repacked.blockElements == table.elements, "\(type.name) repacked")
            #expect(repacked.blockBytes == table.bytes, "\(type.name) repacked")
            #expect(repacked.activationBytesPerBlock == format.activationBytesPerBlock, "\(type.name) repacked")
        }
    }

    /// Whether `fields` (offset, byte count) cover `0..<byteCount` exactly once.
    static func tile(_ fields: [(offset: Int, bytes: Int)], _ byteCount: Int) -> Bool {
        var end = 0
        for field in fields.sorted(by: { $0.offset < $1.offset }) {
            guard field.offset == end else { return false }
            end += field.bytes
        }
        return end == byteCount
    }

    /// Every field each format names, with its size: together they make up the block.
    @Test func namedFieldsMakeUpEachBlock() {
        let formats: [(any BlockFormat.Type, [(offset: Int, bytes: Int)])] = [
            (Q4_0Format.self, [(Q4_0Format.dOffset, 2), (Q4_0Format.codesOffset, 16)]),
            (Q4_1Format.self, [(Q4_1Format.dOffset, 2), (Q4_1Format.mOffset, 2), (Q4_1Format.codesOffset, 16)]),
            (Q5_0Format.self, [(Q5_0Format.dOffset, 2), (Q5_0Format.fifthBitsOffset, 4), (Q5_0Format.codesOffset, 16)]),
            (Q5_1Format.self, [(Q5_1Format.dOffset, 2), (Q5_1Format.mOffset, 2), (Q5_1Format.fifthBitsOffset, 4),
                               (Q5_1Format.codesOffset, 16)]),
            (Q8_0Format.self, [(Q8_0Format.dOffset, 2), (Q8_0Format.valuesOffset, 32)]),
            (Q2_KFormat.self, [(Q2_KFormat.scalesOffset, 16), (Q2_KFormat.codesOffset, 64), (Q2_KFormat.dOffset, 2),
                               (Q2_KFormat.dminOffset, 2)]),
            (Q3_KFormat.self, [(Q3_KFormat.highBitsOffset, 32), (Q3_KFormat.lowBitsOffset, 64), (Q3_KFormat.scalesOffset, 12),
                               (Q3_KFormat.dOffset, 2)]),
            (Q4_KFormat.self, [(ScaleMinHead.dOffset, 2), (ScaleMinHead.dminOffset, 2), (ScaleMinHead.scalesOffset, 12),
                               (Q4_KFormat.codesOffset, 128)]),
            (Q5_KFormat.self, [(ScaleMinHead.dOffset, 2), (ScaleMinHead.dminOffset, 2), (ScaleMinHead.scalesOffset, 12),
                               (Q5_KFormat.fifthBitsOffset, 32), (Q5_KFormat.codesOffset, 128)]),
            (Q6_KFormat.self, [(Q6_KFormat.lowBitsOffset, 128), (Q6_KFormat.highBitsOffset, 64), (Q6_KFormat.scalesOffset, 16),
                               (Q6_KFormat.dOffset, 2)]),
        ]
        for (format, fields) in formats {
            #expect(Self.tile(fields, format.blockBytes), "\(format.type.name): \(fields)")
        }
        #expect(Self.tile([(ScaleMinHead.dOffset, 2), (ScaleMinHead.dminOffset, 2), (ScaleMinHead.scalesOffset, 12)],
                          ScaleMinHead.byteCount))
    }

    /// The activation encodings: their fields make up their blocks, Q8xK is ggml's Q8_K in size,
    /// and the grouped encoding only reorders Q8xK's values.
    @Test func activationBlocksMatchTheirDefinitions() throws {
        #expect(Q8x32.blockElements == 32)
        #expect(Self.tile([(Q8x32.dOffset, 4), (Q8x32.sumOffset, 4), (Q8x32.valuesOffset, Q8x32.blockElements)], Q8x32.blockBytes))
        #expect(Q8xK.blockElements == 256)
        #expect(Self.tile([(Q8xK.dOffset, 4), (Q8xK.valuesOffset, Q8xK.blockElements), (Q8xK.sumsOffset, 2 * Q8xK.blockElements / 16)],
                          Q8xK.blockBytes))
        #expect(Q8xK.blockBytes == (try #require(GGMLType.q8_K.blockLayout)).bytes)
        #expect(Q8xKGrouped.blockElements == Q8xK.blockElements && Q8xKGrouped.blockBytes == Q8xK.blockBytes)
    }
}
