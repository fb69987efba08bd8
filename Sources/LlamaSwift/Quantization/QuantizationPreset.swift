import GGUF

/// A whole-model quantization, named as llama.cpp's quantizer names them (`Q4_0`, `Q4_K_M`...).
///
/// A preset chooses a type for every tensor: norms and other 1-D tensors stay F32, the output
/// head (or the token embedding when it doubles as the head) gets Q6_K unless the preset is
/// 8-bit or float, and the `_M` presets give Q6_K to `attn_v` and `ffn_down` in the layers that
/// matter most (the first and last eighth, and every third layer between).
public enum QuantizationPreset: String, CaseIterable, Sendable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case q8_0 = "Q8_0"
    case q4_0 = "Q4_0"
    case q4_1 = "Q4_1"
    case q5_0 = "Q5_0"
    case q5_1 = "Q5_1"
    case q2_K = "Q2_K"
    case q3_K_S = "Q3_K_S"
    case q4_K_S = "Q4_K_S"
    case q4_K_M = "Q4_K_M"
    case q5_K_S = "Q5_K_S"
    case q5_K_M = "Q5_K_M"
    case q6_K = "Q6_K"

    /// Parses a preset name, ignoring case; `Q4_K` and `Q5_K` mean their `_M` mixes.
    public init?(name: String) {
        let upper = name.uppercased()
        switch upper {
        case "Q4_K": self = .q4_K_M
        case "Q5_K": self = .q5_K_M
        default:
            guard let preset = QuantizationPreset(rawValue: upper) else { return nil }
            self = preset
        }
    }

    /// The type most tensors get.
    public var baseType: GGMLType {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        case .q8_0: .q8_0
        case .q4_0: .q4_0
        case .q4_1: .q4_1
        case .q5_0: .q5_0
        case .q5_1: .q5_1
        case .q2_K: .q2_K
        case .q3_K_S: .q3_K
        case .q4_K_S, .q4_K_M: .q4_K
        case .q5_K_S, .q5_K_M: .q5_K
        case .q6_K: .q6_K
        }
    }

    /// The value llama.cpp stores in `general.file_type` for this mix.
    public var fileType: UInt32 {
        switch self {
        case .f32: 0
        case .f16: 1
        case .q4_0: 2
        case .q4_1: 3
        case .q8_0: 7
        case .q5_0: 8
        case .q5_1: 9
        case .q2_K: 10
        case .q3_K_S: 11
        case .q4_K_S: 14
        case .q4_K_M: 15
        case .q5_K_S: 16
        case .q5_K_M: 17
        case .q6_K: 18
        case .bf16: 32
        }
    }

    private var keepsHeadAtBaseType: Bool { [.f32, .f16, .bf16, .q8_0, .q6_K].contains(self) }
    private var isMediumMix: Bool { self == .q4_K_M || self == .q5_K_M }

    /// The type a tensor should get before checking that its rows fit the type's blocks.
    ///
    /// - Parameters:
    ///   - name: the tensor's GGUF name.
    ///   - dimensions: its number of dimensions.
    ///   - layerCount: `llama.block_count`.
    ///   - embeddingIsHead: whether the model has no `output.weight`, so `token_embd` is the head too.
    public func preferredType(forTensor name: String, dimensions: Int, layerCount: Int, embeddingIsHead: Bool) -> GGMLType {
        if dimensions < 2 { return .f32 }
        if name == "output.weight" || (embeddingIsHead && name == "token_embd.weight") {
            return keepsHeadAtBaseType ? baseType : .q6_K
        }
        if isMediumMix, name.hasSuffix(".attn_v.weight") || name.hasSuffix(".ffn_down.weight"),
           let layer = Self.layerIndex(of: name), Self.layerMattersMost(layer, of: layerCount) {
            return .q6_K
        }
        return baseType
    }

    /// The first and last eighth of the layers, and every third layer between them.
    static func layerMattersMost(_ layer: Int, of count: Int) -> Bool {
        layer < count / 8 || layer >= 7 * count / 8 || (layer - count / 8) % 3 == 2
    }

    /// `5` for `blk.5.attn_v.weight`.
    static func layerIndex(of name: String) -> Int? {
        let parts = name.split(separator: ".")
        guard parts.count > 2, parts[0] == "blk" else { return nil }
        return Int(parts[1])
    }

    /// A type whose blocks fit rows of `rowLength` elements, for when the preferred type's do not:
    /// the K-quants fall back to a 32-element format of similar or more bits, then to F16.
    public static func fallback(for type: GGMLType, rowLength: Int) -> GGMLType {
        var candidate = type
        while let layout = candidate.blockLayout, rowLength % layout.elements != 0 {
            switch candidate {
            case .q2_K, .q3_K: candidate = .q4_0
            case .q4_K: candidate = .q5_0
            case .q5_K: candidate = .q5_1
            case .q6_K: candidate = .q8_0
            case .f16, .f32, .bf16: return candidate
            default: candidate = .f16
            }
        }
        return candidate
    }
}
