import FixtureSupport
import Foundation
import GGUF
import Testing

/// The reader agrees with gguf-py (reference/gguf-dump.json) on every file listed there.
@Suite struct GGUFPyAgreementTests {
    static let fixtureDirectories = ["", "synthetic/", "tokenizer/"]

    /// The fixture path of the file `name` (the dump names files without their folder): in the
    /// first folder that has it, else `name` itself, which the trait then reports missing.
    static func relativePath(_ name: String) -> String {
        fixtureDirectories.map { $0 + name }.first { Fixtures.find($0) != nil } ?? name
    }

    /// The dump and every file it lists, for the test's trait (the dump alone while it is missing).
    static var neededFiles: [String] {
        let names = (try? Fixtures.jsonObject("reference/gguf-dump.json") as? [String: Any])?.keys.sorted() ?? []
        return ["reference/gguf-dump.json"] + names.map(relativePath)
    }

    @Test(.fixtures(neededFiles)) func everyFileMatchesGGUFPy() throws {
        let dump = try #require(try Fixtures.jsonObject("reference/gguf-dump.json") as? [String: [String: Any]])
        #expect(dump.count >= 4)
        for (name, expected) in dump.sorted(by: { $0.key < $1.key }) {
            let path = try Fixtures.path(Self.relativePath(name))
            let file = try GGUFFile(path: path)
            #expect(Int(file.version) == expected["version"] as? Int, "\(name) version")
            #expect(file.alignment == expected["alignment"] as? Int, "\(name) alignment")
            #expect(file.dataOffset == expected["data_offset"] as? Int, "\(name) data offset")

            let kvs = try #require(expected["kv"] as? [[String: Any]])
            #expect(file.metadata.keys == kvs.map { $0["key"] as! String }, "\(name) key order")
            for kv in kvs {
                let key = kv["key"] as! String
                let value = try file.metadata.value(key)
                #expect(value.type.name == kv["type"] as? String, "\(name) \(key) type")
                if case .array(let array) = value {
                    let spec = try #require(kv["value"] as? [String: Any])
                    #expect(array.elementType.name == spec["array_of"] as? String, "\(name) \(key) element type")
                    #expect(array.count == spec["length"] as? Int, "\(name) \(key) length")
                    let head = try #require(spec["head"] as? [Any])
                    for (i, item) in head.enumerated() {
                        #expect(Self.matches(array[i], item), "\(name) \(key)[\(i)]: \(array[i]) vs \(item)")
                    }
                } else {
                    #expect(Self.matches(value, kv["value"] as Any), "\(name) \(key): \(value) vs \(kv["value"] ?? "nil")")
                }
            }

            let tensors = try #require(expected["tensors"] as? [[String: Any]])
            #expect(file.tensors.count == tensors.count, "\(name) tensor count")
            for (ours, theirs) in zip(file.tensors, tensors) {
                #expect(ours.name == theirs["name"] as? String)
                #expect(ours.type.name == theirs["type"] as? String, "\(ours.name) type")
                #expect(ours.shape == theirs["shape"] as? [Int], "\(ours.name) shape")
                #expect(ours.offset == theirs["offset"] as? Int, "\(ours.name) offset")
                #expect(ours.byteCount == theirs["n_bytes"] as? Int, "\(ours.name) byte count")
            }
        }
    }

    /// Whether one of our values equals the JSON value gguf-py wrote for it.
    static func matches(_ value: GGUFValue, _ json: Any) -> Bool {
        switch value {
        case .string(let s): return json as? String == s
        case .bool(let b): return json as? Bool == b
        case .float32(let f): return (json as? NSNumber)?.doubleValue == Double(f)
        case .float64(let d): return (json as? NSNumber)?.doubleValue == d
        case .array: return false
        default:
            guard let number = json as? NSNumber, let i = value.integerValue else { return false }
            return number.int64Value == Int64(i)
        }
    }
}
