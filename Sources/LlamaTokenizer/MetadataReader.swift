import GGUF

/// Typed access to tokenizer metadata that reports problems as ``TokenizerError``.
struct MetadataReader {
    let metadata: GGUFMetadata

    func string(_ key: String) throws(TokenizerError) -> String {
        do { return try metadata.string(key) } catch { throw TokenizerError(error) }
    }

    func optionalString(_ key: String) throws(TokenizerError) -> String? {
        metadata.contains(key) ? try string(key) : nil
    }

    func optionalBool(_ key: String) throws(TokenizerError) -> Bool? {
        guard metadata.contains(key) else { return nil }
        do { return try metadata.bool(key) } catch { throw TokenizerError(error) }
    }

    func optionalInt(_ key: String) throws(TokenizerError) -> Int? {
        guard metadata.contains(key) else { return nil }
        do { return try metadata.int(key) } catch { throw TokenizerError(error) }
    }

    func stringArray(_ key: String) throws(TokenizerError) -> [String] {
        do { return try metadata.stringArray(key) } catch { throw TokenizerError(error) }
    }

    /// A per-token FLOAT32 array, which must have `count` entries; `nil` when absent.
    func floatArray(_ key: String, count: Int) throws(TokenizerError) -> [Float]? {
        guard metadata.contains(key) else { return nil }
        let values: [Float]
        do { values = try metadata.floatArray(key) } catch { throw TokenizerError(error) }
        guard values.count == count else { throw .lengthMismatch(key: key, expected: count, found: values.count) }
        return values
    }

    /// A per-token integer array, which must have `count` entries; `nil` when absent.
    func intArray(_ key: String, count: Int) throws(TokenizerError) -> [Int]? {
        guard metadata.contains(key) else { return nil }
        let values: [Int]
        do { values = try metadata.intArray(key) } catch { throw TokenizerError(error) }
        guard values.count == count else { throw .lengthMismatch(key: key, expected: count, found: values.count) }
        return values
    }
}
