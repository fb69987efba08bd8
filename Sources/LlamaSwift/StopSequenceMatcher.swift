/// Holds back generated text that might be the start of a stop string, so that a stop string is
/// never emitted even when it arrives split over several tokens.
struct StopSequenceMatcher {
    private let stops: [String]
    private var pending = ""

    init(stops: [String]) {
        self.stops = stops
    }

    /// Adds newly decoded text. Returns the text that is now safe to emit, and whether a stop
    /// string has been found (in which case generation ends and nothing after it is emitted).
    mutating func append(_ text: String) -> (emit: String, stopped: Bool) {
        guard !stops.isEmpty else { return (text, false) }
        pending += text
        if let first = stops.compactMap({ pending.range(of: $0)?.lowerBound }).min() {
            let emit = String(pending[..<first])
            pending = ""
            return (emit, true)
        }
        // Keep the shortest tail that is still a prefix of some stop string.
        var cut = pending.endIndex
        var index = pending.startIndex
        while index < pending.endIndex {
            let tail = pending[index...]
            if stops.contains(where: { $0.hasPrefix(tail) }) { cut = index; break }
            index = pending.index(after: index)
        }
        let emit = String(pending[..<cut])
        pending = String(pending[cut...])
        return (emit, false)
    }

    /// The text held back when generation ends for another reason.
    mutating func flush() -> String {
        defer { pending = "" }
        return pending
    }
}
