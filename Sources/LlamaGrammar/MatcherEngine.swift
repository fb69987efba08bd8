/// The shared, growing cache behind ``GrammarMatcher``: interned parse stacks, sets of stacks,
/// and a lazily filled byte-level transition table.
///
/// A parse stack is a linked list of grammar positions, interned so that equal stacks have one
/// id; a matcher state is a set of stacks plus the bytes of an unfinished UTF-8 character. Each
/// state has 256 transition slots, filled the first time a byte is tried from it, so that after
/// warm-up advancing by a byte (and so walking the vocabulary trie) is one table load.
final class MatcherEngine {
    static let unknown: Int32 = -1
    /// State 0 accepts nothing; every byte leads back to it.
    static let dead: Int32 = 0

    let grammar: CompiledGrammar

    // Stacks: id 0 is the empty stack (the grammar is complete on it).
    private var stackTop: [Int32] = [-1]
    private var stackParent: [Int32] = [-1]
    private var stackIndex: [UInt64: Int32] = [:]

    // Sets of stacks, sorted ids.
    private var setStacks: [[Int32]] = []
    private var setIndex: [[Int32]: Int32] = [:]
    private var setAccepting: [Bool] = []

    // Byte states: a set plus a partial UTF-8 character (value so far, bytes still needed,
    // total length).
    private var stateSet: [Int32] = [-1]
    private var statePartial: [UInt32] = [0]
    private var stateNeed: [UInt8] = [0]
    private var stateLength: [UInt8] = [0]
    private var stateIndex: [UInt64: Int32] = [:]

    /// `stateCount * 256` entries: the next state, or `unknown`.
    private(set) var table: UnsafeMutablePointer<Int32>
    private var tableCapacity: Int

    // Scratch for closures: a visit mark per stack id.
    private var visitMark: [UInt32] = [0]
    private var visitEpoch: UInt32 = 0

    private(set) var initialState: Int32 = 0

    init(_ grammar: CompiledGrammar) throws(GrammarError) {
        self.grammar = grammar
        tableCapacity = 64
        table = .allocate(capacity: tableCapacity * 256)
        table.initialize(repeating: Self.dead, count: 256)
        var stacks: [Int32] = []
        beginVisit()
        for start in grammar.alternativeStarts[Int(grammar.rootRule)] {
            try close(continuation(start, parent: 0), into: &stacks)
        }
        initialState = try state(set: internSet(stacks), partial: 0, need: 0, length: 0)
    }

    deinit { table.deallocate() }

    var stateCount: Int { stateSet.count }

    /// Whether the grammar is complete in `state`: a stack is empty and no character is half read.
    func isAccepting(_ state: Int32) -> Bool {
        state != Self.dead && stateNeed[Int(state)] == 0 && setAccepting[Int(stateSet[Int(state)])]
    }

    /// The state after `byte`, computing and caching it the first time.
    @inline(__always)
    func next(_ state: Int32, _ byte: UInt8) throws(GrammarError) -> Int32 {
        let cached = table[Int(state) &* 256 &+ Int(byte)]
        if cached != Self.unknown { return cached }
        let computed = try computeNext(state, byte)
        table[Int(state) &* 256 &+ Int(byte)] = computed
        return computed
    }

    private func computeNext(_ state: Int32, _ byte: UInt8) throws(GrammarError) -> Int32 {
        let s = Int(state)
        let set = stateSet[s]
        var value = statePartial[s]
        var need = stateNeed[s]
        var length = stateLength[s]
        if need == 0 {
            switch byte {
            case 0x00...0x7F:
                return try advance(set: set, by: UInt32(byte))
            case 0xC2...0xDF: (value, need, length) = (UInt32(byte & 0x1F), 1, 2)
            case 0xE0...0xEF: (value, need, length) = (UInt32(byte & 0x0F), 2, 3)
            case 0xF0...0xF4: (value, need, length) = (UInt32(byte & 0x07), 3, 4)
            default: return Self.dead
            }
        } else {
            guard byte & 0xC0 == 0x80 else { return Self.dead }
            value = value << 6 | UInt32(byte & 0x3F)
            need -= 1
            if need == 0 {
                let smallest: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
                guard value >= smallest, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { return Self.dead }
                return try advance(set: set, by: value)
            }
        }
        // Half a character: keep the state only if some stack can match a completion of it. The
        // completions are the scalars whose encoding starts with these bytes, less the overlong
        // encodings of smaller scalars and anything past U+10FFFF, which the last byte rejects.
        let shift = 6 * UInt32(need)
        let smallest: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        let low = max(value << shift, smallest)
        let high = min((value << shift) | ((1 << shift) - 1), 0x10FFFF)
        guard low <= high else { return Self.dead }
        let viable = setStacks[Int(set)].contains { stack in
            guard stack != 0, case .terminal(let c) = grammar.elements[Int(stackTop[Int(stack)])] else { return false }
            return grammar.classes[Int(c)].intersects(low, high)
        }
        return viable ? try self.state(set: set, partial: value, need: need, length: length) : Self.dead
    }

    /// The state reached from `set` by one scalar, or `dead`. Scalars that the same stacks of
    /// the set match lead to the same state (inside a JSON string, every ordinary character),
    /// so for sets of up to 64 stacks the state is cached by which stacks match.
    private func advance(set: Int32, by scalar: UInt32) throws(GrammarError) -> Int32 {
        let stacks = setStacks[Int(set)]
        var matched: [Int32] = []
        var matching: UInt64 = 0
        for (i, stack) in stacks.enumerated() where stack != 0 {
            guard case .terminal(let c) = grammar.elements[Int(stackTop[Int(stack)])],
                  grammar.classes[Int(c)].contains(scalar) else { continue }
            matched.append(stack)
            if i < 64 { matching |= 1 << UInt64(i) }
        }
        if matched.isEmpty { return Self.dead }
        let cacheable = stacks.count <= 64
        let key = AdvanceKey(set: set, matching: matching)
        if cacheable, let cached = advanceCache[key] { return cached }
        var result: [Int32] = []
        beginVisit()
        for stack in matched {
            try close(continuation(stackTop[Int(stack)] + 1, parent: stackParent[Int(stack)]), into: &result)
        }
        let next = result.isEmpty ? Self.dead : try state(set: internSet(result), partial: 0, need: 0, length: 0)
        if cacheable { advanceCache[key] = next }
        return next
    }

    /// A set and which of its stacks (by index) match a scalar.
    private struct AdvanceKey: Hashable {
        let set: Int32
        let matching: UInt64
    }

    private var advanceCache: [AdvanceKey: Int32] = [:]

    /// The stack that continues at `position` above `parent`: `parent` itself when the
    /// alternative ends there, which makes a reference in last place a tail call.
    private func continuation(_ position: Int32, parent: Int32) -> Int32 {
        grammar.elements[Int(position)] == .end ? parent : internStack(top: position, parent: parent)
    }

    /// Adds to `out` every stack reachable from `stack` by expanding rule references, stopping
    /// at stacks whose top is a terminal (and at the empty stack).
    private func close(_ stack: Int32, into out: inout [Int32]) throws(GrammarError) {
        var work = [stack]
        var visited = 0
        let limit = grammar.limits.maxStacks
        while let s = work.popLast() {
            if visitMark[Int(s)] == visitEpoch { continue }
            visitMark[Int(s)] = visitEpoch
            visited += 1
            if visited > 8 * limit { throw .tooManyStacks(limit: limit) }
            if s == 0 {
                out.append(0)
                continue
            }
            let position = stackTop[Int(s)]
            switch grammar.elements[Int(position)] {
            case .terminal:
                out.append(s)
                if out.count > limit { throw .tooManyStacks(limit: limit) }
            case .reference(let rule):
                let rest = continuation(position + 1, parent: stackParent[Int(s)])
                for start in grammar.alternativeStarts[Int(rule)] {
                    work.append(continuation(start, parent: rest))
                }
            case .end:
                preconditionFailure("a stack never has an alternative's end on top")
            }
        }
    }

    private func beginVisit() {
        visitEpoch &+= 1
        if visitEpoch == 0 {
            for i in visitMark.indices { visitMark[i] = 0 }
            visitEpoch = 1
        }
    }

    private func internStack(top: Int32, parent: Int32) -> Int32 {
        let key = UInt64(UInt32(bitPattern: top)) << 32 | UInt64(UInt32(bitPattern: parent))
        if let id = stackIndex[key] { return id }
        let id = Int32(stackTop.count)
        stackTop.append(top)
        stackParent.append(parent)
        visitMark.append(0)
        stackIndex[key] = id
        return id
    }

    private func internSet(_ stacks: [Int32]) -> Int32 {
        var sorted = stacks.sorted()
        // Closures from several stacks of one set may reach the same stack.
        var unique = 0
        for i in sorted.indices where i == 0 || sorted[i] != sorted[i - 1] {
            sorted[unique] = sorted[i]
            unique += 1
        }
        sorted.removeLast(sorted.count - unique)
        if let id = setIndex[sorted] { return id }
        let id = Int32(setStacks.count)
        setStacks.append(sorted)
        setAccepting.append(sorted.first == 0)
        setIndex[sorted] = id
        return id
    }

    private func state(set: Int32, partial: UInt32, need: UInt8, length: UInt8) throws(GrammarError) -> Int32 {
        let key = UInt64(UInt32(bitPattern: set)) << 32 | UInt64(length) << 28 | UInt64(need) << 24 | UInt64(partial)
        if let id = stateIndex[key] { return id }
        guard stateSet.count < grammar.limits.maxStates else { throw .tooManyStates(limit: grammar.limits.maxStates) }
        let id = Int32(stateSet.count)
        stateSet.append(set)
        statePartial.append(partial)
        stateNeed.append(need)
        stateLength.append(length)
        stateIndex[key] = id
        if stateSet.count > tableCapacity {
            let grown = UnsafeMutablePointer<Int32>.allocate(capacity: tableCapacity * 2 * 256)
            grown.moveInitialize(from: table, count: tableCapacity * 256)
            table.deallocate()
            table = grown
            tableCapacity *= 2
        }
        (table + Int(id) * 256).initialize(repeating: Self.unknown, count: 256)
        return id
    }
}
