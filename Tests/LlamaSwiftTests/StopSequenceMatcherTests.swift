import Testing
@testable import LlamaSwift

@Suite struct StopSequenceMatcherTests {
    @Test func passesTextThroughWithoutStops() {
        var m = StopSequenceMatcher(stops: [])
        #expect(m.append("hello").emit == "hello")
    }

    @Test func holdsBackAPossibleStartAndStopsAcrossPieces() {
        var m = StopSequenceMatcher(stops: ["</s>", "User:"])
        var emitted = ""
        for piece in ["Hi th", "ere<", "/", "s> more"] {
            let (text, stopped) = m.append(piece)
            emitted += text
            if stopped { break }
        }
        #expect(emitted == "Hi there")
    }

    @Test func releasesHeldTextThatTurnsOutNotToStop() {
        var m = StopSequenceMatcher(stops: ["User:"])
        let first = m.append("a Us")
        #expect(first.emit == "a ")
        let second = m.append("ed b")
        #expect(second.emit == "Used b")
        #expect(!second.stopped)
        #expect(m.flush() == "")
    }

    @Test func flushReturnsTheHeldTail() {
        var m = StopSequenceMatcher(stops: ["STOP"])
        #expect(m.append("end ST").emit == "end ")
        #expect(m.flush() == "ST")
    }
}
