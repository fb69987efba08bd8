import GGUF

/// The facts `gguf-inspect` shows about one file, shared by the text and JSON renderings.
struct Report {
    let file: GGUFFile
    let keyPrefix: String?
    let includeTensors: Bool

    var entries: [(key: String, value: GGUFValue)] {
        file.metadata.entries.filter { keyPrefix.map($0.key.hasPrefix) ?? true }
    }

    var parameterCount: Int { file.tensors.reduce(0) { $0 + $1.elementCount } }
    var tensorBytes: Int { file.tensors.reduce(0) { $0 + $1.byteCount } }

    /// Bits per weight over the tensor data, or 0 without tensors.
    var bitsPerWeight: Double {
        parameterCount == 0 ? 0 : Double(tensorBytes) * 8 / Double(parameterCount)
    }

    /// Number of tensors of each type, in ggml type order.
    var typeCounts: [(type: GGMLType, count: Int)] {
        var counts: [GGMLType: Int] = [:]
        for t in file.tensors { counts[t.type, default: 0] += 1 }
        return GGMLType.allCases.compactMap { type in counts[type].map { (type, $0) } }
    }
}
