/// A ggml tensor element type, as stored in a GGUF tensor table.
///
/// Every type id that ggml has ever defined has a case here so that a file can be described
/// (by `gguf-inspect`, for example) even when its type cannot be computed. Types that ggml has
/// removed keep their name but have no ``blockLayout``; such tensors are refused when a file is
/// opened.
public enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q4_2 = 4
    case q4_3 = 5
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case iq2_XXS = 16
    case iq2_XS = 17
    case iq3_XXS = 18
    case iq1_S = 19
    case iq4_NL = 20
    case iq3_S = 21
    case iq2_S = 22
    case iq4_XS = 23
    case i8 = 24
    case i16 = 25
    case i32 = 26
    case i64 = 27
    case f64 = 28
    case iq1_M = 29
    case bf16 = 30
    case q4_0_4_4 = 31
    case q4_0_4_8 = 32
    case q4_0_8_8 = 33
    case tq1_0 = 34
    case tq2_0 = 35
    case iq4_NL_4_4 = 36
    case iq4_NL_4_8 = 37
    case iq4_NL_8_8 = 38
    case mxfp4 = 39
    case nvfp4 = 40
    case q1_0 = 41

    /// The block geometry of a type: how many elements one block holds and how many bytes it takes.
    public struct BlockLayout: Sendable, Equatable {
        /// Elements per block.
        public let elements: Int
        /// Bytes per block.
        public let bytes: Int
    }

    /// The block layout, or `nil` for types ggml has removed (their data cannot be sized).
    public var blockLayout: BlockLayout? {
        switch self {
        case .f32: BlockLayout(elements: 1, bytes: 4)
        case .f16, .bf16: BlockLayout(elements: 1, bytes: 2)
        case .q4_0: BlockLayout(elements: 32, bytes: 18)
        case .q4_1: BlockLayout(elements: 32, bytes: 20)
        case .q5_0: BlockLayout(elements: 32, bytes: 22)
        case .q5_1: BlockLayout(elements: 32, bytes: 24)
        case .q8_0: BlockLayout(elements: 32, bytes: 34)
        // ggml's block_q8_1 is two halves (d, s) and 32 int8 values. gguf-py's table says 40,
        // a leftover from when d and s were floats; the type never appears in model files.
        case .q8_1: BlockLayout(elements: 32, bytes: 36)
        case .q2_K: BlockLayout(elements: 256, bytes: 84)
        case .q3_K: BlockLayout(elements: 256, bytes: 110)
        case .q4_K: BlockLayout(elements: 256, bytes: 144)
        case .q5_K: BlockLayout(elements: 256, bytes: 176)
        case .q6_K: BlockLayout(elements: 256, bytes: 210)
        case .q8_K: BlockLayout(elements: 256, bytes: 292)
        case .iq2_XXS: BlockLayout(elements: 256, bytes: 66)
        case .iq2_XS: BlockLayout(elements: 256, bytes: 74)
        case .iq3_XXS: BlockLayout(elements: 256, bytes: 98)
        case .iq1_S: BlockLayout(elements: 256, bytes: 50)
        case .iq4_NL: BlockLayout(elements: 32, bytes: 18)
        case .iq3_S: BlockLayout(elements: 256, bytes: 110)
        case .iq2_S: BlockLayout(elements: 256, bytes: 82)
        case .iq4_XS: BlockLayout(elements: 256, bytes: 136)
        case .i8: BlockLayout(elements: 1, bytes: 1)
        case .i16: BlockLayout(elements: 1, bytes: 2)
        case .i32: BlockLayout(elements: 1, bytes: 4)
        case .i64, .f64: BlockLayout(elements: 1, bytes: 8)
        case .iq1_M: BlockLayout(elements: 256, bytes: 56)
        case .tq1_0: BlockLayout(elements: 256, bytes: 54)
        case .tq2_0: BlockLayout(elements: 256, bytes: 66)
        case .mxfp4: BlockLayout(elements: 32, bytes: 17)
        case .nvfp4: BlockLayout(elements: 64, bytes: 36)
        case .q1_0: BlockLayout(elements: 128, bytes: 18)
        case .q4_2, .q4_3, .q4_0_4_4, .q4_0_4_8, .q4_0_8_8, .iq4_NL_4_4, .iq4_NL_4_8, .iq4_NL_8_8: nil
        }
    }

    /// The name ggml and gguf-py use, e.g. `Q4_0`, `F32`, `IQ2_XXS`.
    public var name: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q4_2: "Q4_2"
        case .q4_3: "Q4_3"
        case .q5_0: "Q5_0"
        case .q5_1: "Q5_1"
        case .q8_0: "Q8_0"
        case .q8_1: "Q8_1"
        case .q2_K: "Q2_K"
        case .q3_K: "Q3_K"
        case .q4_K: "Q4_K"
        case .q5_K: "Q5_K"
        case .q6_K: "Q6_K"
        case .q8_K: "Q8_K"
        case .iq2_XXS: "IQ2_XXS"
        case .iq2_XS: "IQ2_XS"
        case .iq3_XXS: "IQ3_XXS"
        case .iq1_S: "IQ1_S"
        case .iq4_NL: "IQ4_NL"
        case .iq3_S: "IQ3_S"
        case .iq2_S: "IQ2_S"
        case .iq4_XS: "IQ4_XS"
        case .i8: "I8"
        case .i16: "I16"
        case .i32: "I32"
        case .i64: "I64"
        case .f64: "F64"
        case .iq1_M: "IQ1_M"
        case .bf16: "BF16"
        case .q4_0_4_4: "Q4_0_4_4"
        case .q4_0_4_8: "Q4_0_4_8"
        case .q4_0_8_8: "Q4_0_8_8"
        case .tq1_0: "TQ1_0"
        case .tq2_0: "TQ2_0"
        case .iq4_NL_4_4: "IQ4_NL_4_4"
        case .iq4_NL_4_8: "IQ4_NL_4_8"
        case .iq4_NL_8_8: "IQ4_NL_8_8"
        case .mxfp4: "MXFP4"
        case .nvfp4: "NVFP4"
        case .q1_0: "Q1_0"
        }
    }

    public var description: String { name }

    /// Looks a type up by its ggml name, ignoring case (`"q4_0"`, `"Q6_K"`).
    public init?(name: String) {
        let upper = name.uppercased()
        guard let match = GGMLType.allCases.first(where: { $0.name == upper }) else { return nil }
        self = match
    }

    /// Bytes taken by `count` elements of this type, or `nil` when `count` is not a whole
    /// number of blocks, the type has no layout, or the size overflows `Int`.
    public func byteCount(elements count: Int) -> Int? {
        guard let layout = blockLayout, count >= 0, count % layout.elements == 0 else { return nil }
        let (bytes, overflow) = (count / layout.elements).multipliedReportingOverflow(by: layout.bytes)
        return overflow ? nil : bytes
    }
}
