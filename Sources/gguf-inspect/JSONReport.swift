import Foundation
import GGUF

extension Report {
    /// One complete JSON object: every key with its full value, every tensor.
    func json() throws -> String {
        var object: [String: Any] = [
            "path": file.path,
            "version": Int(file.version),
            "alignment": file.alignment,
            "data_offset": file.dataOffset,
            "file_size": file.fileSize,
            "parameter_count": parameterCount,
            "bits_per_weight": bitsPerWeight,
            "metadata": entries.map { ["key": $0.key, "type": $0.value.type.name, "value": Self.jsonValue($0.value)] },
            "type_counts": Dictionary(uniqueKeysWithValues: typeCounts.map { ($0.type.name, $0.count) }),
        ]
        if includeTensors {
            object["tensors"] = file.tensors.map { t -> [String: Any] in
                ["name": t.name, "type": t.type.name, "shape": t.shape, "offset": t.offset, "n_bytes": t.byteCount]
            }
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func jsonValue(_ value: GGUFValue) -> Any {
        switch value {
        case .string(let s): s
        case .bool(let b): b
        case .float32(let f): jsonNumber(Double(f))
        case .float64(let d): jsonNumber(d)
        case .uint64(let u): u <= UInt64(Int.max) ? Int(u) : "\(u)"
        case .array(let a): jsonArray(a)
        default: value.integerValue ?? 0
        }
    }

    static func jsonArray(_ array: GGUFArray) -> [String: Any] {
        let values: [Any] = (0..<array.count).map { jsonValue(array[$0]) }
        return ["array_of": array.elementType.name, "length": array.count, "values": values]
    }

    /// JSON has no NaN or infinities: those are written as the strings "nan", "inf", "-inf".
    static func jsonNumber(_ d: Double) -> Any {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        return d
    }
}
