extension LlamaTokenizer {
    /// The BPE encoder of a vocabulary: its tokens keyed by the bytes they stand for (through
    /// GPT-2's byte alphabet, or as plain UTF-8 where spaces are escaped), each byte's token
    /// and the merge table of `merges`.
    static func bytePairEncoder(tokens: [String], pre: PreTokenizer, merges: [String]) throws(TokenizerError) -> BytePairEncoder {
        let lookup: TokenLookup
        let byteTokens: [Int32]
        switch pre.spelling {
        case .byteLevel:
            var rawEntries: [(key: [UInt8], value: Int32)] = []
            rawEntries.reserveCapacity(tokens.count)
            for (id, text) in tokens.enumerated() {
                if let raw = ByteUnicode.bytes(ofEncoded: text) { rawEntries.append((raw, Int32(id))) }
            }
            lookup = TokenLookup(rawEntries)
            byteTokens = (0..<256).map { lookup.find([UInt8($0)]) ?? -1 }
        case .escapedSpaces:
            lookup = TokenLookup(tokens.enumerated().map { (Array($0.element.utf8), Int32($0.offset)) })
            byteTokens = (0..<256).map { hexByteToken(lookup, $0) ?? -1 }
        }
        return BytePairEncoder(
            lookup: lookup, merges: try parseMerges(merges, lookup: lookup, spelling: pre.spelling), byteTokens: byteTokens,
            spelling: pre.spelling, wholeWords: pre.wholeWords)
    }

    /// The `<0xNN>` token of a byte, or `nil`.
    static func hexByteToken(_ lookup: TokenLookup, _ byte: Int) -> Int32? {
        lookup.find(("<0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) + ">").utf8)
    }

    /// One merge rule read from its text: the ids it joins and makes, or why it is invalid.
    private enum ParsedMerge {
        case rule(left: Int32, right: Int32, result: Int32)
        case invalid(reason: String)
    }

    /// The merge table of `rules` ("left right" each, in the spelling of the token texts).
    private static func parseMerges(
        _ rules: [String], lookup: TokenLookup, spelling: PreTokenizer.Spelling
    ) throws(TokenizerError) -> MergeTable {
        var parsed: [(left: Int32, right: Int32, result: Int32)] = []
        parsed.reserveCapacity(rules.count)
        var joined: [UInt8] = []
        for (index, rule) in rules.enumerated() {
            var rule = rule
            let outcome: ParsedMerge = rule.withUTF8 { utf8 in
                func part(_ range: Range<Int>) -> String { String(decoding: utf8[range], as: UTF8.self) }
                guard let space = utf8.dropFirst().firstIndex(of: 0x20) else {
                    return .invalid(reason: "no space between the two parts")
                }
                let leftRange = 0..<space
                let rightRange = (space + 1)..<utf8.count
                func append(_ range: Range<Int>, to joined: inout [UInt8]) -> Bool {
                    let text = UnsafeBufferPointer(rebasing: utf8[range])
                    switch spelling {
                    case .byteLevel: return ByteUnicode.append(encoded: text, to: &joined)
                    case .escapedSpaces: joined.append(contentsOf: text); return true
                    }
                }
                joined.removeAll(keepingCapacity: true)
                guard append(leftRange, to: &joined), let left = joined.withUnsafeBufferPointer({ lookup.find($0) }) else {
                    return .invalid(reason: "'\(part(leftRange))' is not a token")
                }
                let leftCount = joined.count
                guard append(rightRange, to: &joined),
                      let right = joined.withUnsafeBufferPointer({ lookup.find(UnsafeBufferPointer(rebasing: $0[leftCount...])) }) else {
                    return .invalid(reason: "'\(part(rightRange))' is not a token")
                }
                guard let result = joined.withUnsafeBufferPointer({ lookup.find($0) }) else {
                    return .invalid(reason: "'\(part(leftRange))\(part(rightRange))' is not a token")
                }
                return .rule(left: left, right: right, result: result)
            }
            switch outcome {
            case .rule(let left, let right, let result): parsed.append((left, right, result))
            case .invalid(let reason): throw .invalidMerge(index: index, rule: rule, reason: reason)
            }
        }
        return MergeTable(parsed)
    }
}
