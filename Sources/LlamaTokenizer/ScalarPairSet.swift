/// The pairs of adjacent scalars that occur inside some token's text. Where two neighbouring
/// characters of the input form a pair outside this set, no token can ever span them, so the
/// SentencePiece merge can work on the pieces between such places one at a time: each merge
/// only ever joins symbols on one side, and the order of merges within a piece is unchanged.
struct ScalarPairSet: Sendable {
    private let map: PairMap

    init(tokenTexts: [String]) {
        var pairs: [(key: UInt64, value: UInt64)] = []
        for text in tokenTexts {
            var previous: UInt32?
            for scalar in text.unicodeScalars {
                if let previous { pairs.append((Self.key(previous, scalar.value), 0)) }
                previous = scalar.value
            }
        }
        map = PairMap(pairs)
    }

    /// Whether some token's text holds `first` immediately followed by `second`.
    @inline(__always)
    func contains(_ first: UInt32, _ second: UInt32) -> Bool {
        map.find(Self.key(first, second)) != nil
    }

    @inline(__always)
    private static func key(_ first: UInt32, _ second: UInt32) -> UInt64 {
        UInt64(first) << 32 | UInt64(second)
    }
}
