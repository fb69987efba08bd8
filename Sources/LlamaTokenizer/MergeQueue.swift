/// A candidate merge of two adjacent symbols, ordered by how urgently it should happen.
protocol MergeCandidate {
    /// Whether `self` must be merged before `other`.
    func precedes(_ other: Self) -> Bool
}

/// A binary heap that pops the candidate that precedes all others.
struct MergeQueue<Element: MergeCandidate> {
    private var heap: [Element] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    mutating func push(_ element: Element) {
        heap.append(element)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        var parent = 0
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let best = right < count && heap[right].precedes(heap[left]) ? right : left
            guard heap[best].precedes(heap[parent]) else { break }
            heap.swapAt(best, parent)
            parent = best
        }
        return top
    }
}
