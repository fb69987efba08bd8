import Foundation
import GGUF

extension Report {
    /// How many array items the text summary shows.
    static let arrayHead = 8
    /// Strings longer than this are cut in the text summary (the JSON output is complete).
    static let stringLimit = 120

    /// The human summary, in the spirit of llama.cpp's loader log.
    func text() -> String {
        var out = "GGUF v\(file.version): \(file.path)\n"
        out += "file size \(Self.size(file.fileSize)), alignment \(file.alignment), data offset \(file.dataOffset)\n"
        let shown = entries
        let filter = keyPrefix.map { " (keys starting with '\($0)')" } ?? ""
        out += "metadata: \(shown.count) key/value pairs\(filter)\n"
        let keyWidth = shown.map(\.key.count).max() ?? 0
        for (i, entry) in shown.enumerated() {
            let index = String(i).leftPadded(to: 3)
            out += "- kv \(index): \(entry.key.rightPadded(to: keyWidth)) \(Self.typeLabel(entry.value).rightPadded(to: 14)) = \(Self.render(entry.value))\n"
        }
        if includeTensors {
            out += "tensors: \(file.tensors.count)\n"
            let nameWidth = file.tensors.map(\.name.count).max() ?? 0
            for (i, t) in file.tensors.enumerated() {
                let index = String(i).leftPadded(to: 4)
                let shape = "[" + t.shape.map(String.init).joined(separator: ", ") + "]"
                out += "- tensor \(index): \(t.name.rightPadded(to: nameWidth)) \(t.type.name.rightPadded(to: 7)) \(shape.rightPadded(to: 22)) offset \(t.offset)\n"
            }
        }
        for (type, count) in typeCounts {
            out += "- type \(type.name.rightPadded(to: 7)): \(count) tensors\n"
        }
        out += "parameters: \(Self.count(parameterCount)), tensor data \(Self.size(tensorBytes)), "
        out += "bits per weight \(Self.fixed(bitsPerWeight, 2))\n"
        return out
    }

    static func typeLabel(_ value: GGUFValue) -> String {
        guard case .array(let a) = value else { return value.type.shortName }
        return "arr[\(a.elementType.shortName),\(a.count)]"
    }

    static func render(_ value: GGUFValue) -> String {
        switch value {
        case .string(let s): quoted(s)
        case .array(let a): render(a)
        case .float32(let f): "\(f)"
        case .float64(let d): "\(d)"
        case .bool(let b): "\(b)"
        default: "\(value.integerValue.map(String.init) ?? "?")"
        }
    }

    static func render(_ array: GGUFArray) -> String {
        let shown = (0..<min(array.count, arrayHead)).map { render(array[$0]) }
        let more = array.count > arrayHead ? ", ..." : ""
        return "[" + shown.joined(separator: ", ") + more + "]"
    }

    static func quoted(_ s: String) -> String {
        var body = ""
        for scalar in s.unicodeScalars.prefix(stringLimit) {
            switch scalar {
            case "\n": body += "\\n"
            case "\t": body += "\\t"
            case "\r": body += "\\r"
            case "\"": body += "\\\""
            case "\\": body += "\\\\"
            default:
                body += scalar.value < 0x20 ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
            }
        }
        return "\"" + body + "\"" + (s.unicodeScalars.count > stringLimit ? "..." : "")
    }

    static func size(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : "\(fixed(value, 2)) \(units[unit])"
    }

    static func count(_ n: Int) -> String {
        switch n {
        case ..<1_000: "\(n)"
        case ..<1_000_000: "\(fixed(Double(n) / 1e3, 2)) K"
        case ..<1_000_000_000: "\(fixed(Double(n) / 1e6, 2)) M"
        default: "\(fixed(Double(n) / 1e9, 2)) B"
        }
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}

extension String {
    func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
