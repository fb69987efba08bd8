import Foundation
@testable import LlamaKernels
import Testing

@Suite struct ThreadPoolTests {
    /// Every index runs exactly once, for many sizes, repeatedly on the same workers.
    @Test(arguments: [1, 2, 4])
    func everyIndexRunsOnce(_ threads: Int) {
        let pool = ThreadPool(threadCount: threads)
        #expect(pool.threadCount == threads)
        for count in [0, 1, 2, 3, 7, 64, 1000] {
            let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, count))
            defer { hits.deallocate() }
            hits.initialize(repeating: 0)
            for _ in 0..<20 { pool.parallelFor(count) { hits[$0] += 1 } }
            #expect(hits.prefix(count).allSatisfy { $0 == 20 }, "threads \(threads) count \(count)")
        }
    }

    /// Calls from several threads at once are serialised and each sees all of its own work done.
    @Test func concurrentCallersAreSerialised() async {
        let pool = ThreadPool(threadCount: 3)
        await withTaskGroup(of: Bool.self) { group in
            for caller in 0..<4 {
                group.addTask {
                    let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: 500)
                    defer { hits.deallocate() }
                    hits.initialize(repeating: 0)
                    for _ in 0..<10 { pool.parallelFor(500) { hits[$0] += caller + 1 } }
                    return hits.allSatisfy { $0 == 10 * (caller + 1) }
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    /// A body that calls back into its own pool gets its inner loop run in place, not a deadlock.
    @Test func nestedCallsRunInline() {
        let pool = ThreadPool(threadCount: 2)
        let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: 8 * 8)
        defer { hits.deallocate() }
        hits.initialize(repeating: 0)
        pool.parallelFor(8) { i in pool.parallelFor(8) { j in hits[i * 8 + j] += 1 } }
        #expect(hits.allSatisfy { $0 == 1 })
    }

    @Test func workRunsOnMoreThanOneThread() {
        let pool = ThreadPool(threadCount: 2)
        let lock = NSLock()
        var threads = Set<ObjectIdentifier>()
        pool.parallelFor(64) { _ in
            usleep(2000)
            lock.lock()
            threads.insert(ObjectIdentifier(Thread.current))
            lock.unlock()
        }
        #expect(threads.count == 2)
    }
}

@Suite struct CPUSupportTests {
    /// The portable build needs nothing; a VNNI build must find its features on the machine
    /// that runs the tests (they are built for it with -target-cpu native).
    @Test func thisCPUSupportsThisBuild() throws {
        try Kernels.checkCPUSupport()
        #if os(Linux)
        let features = try #require(Kernels.cpuFeatures())
        #expect(!features.isEmpty)
        #expect(Kernels.requiredCPUFeatures.allSatisfy(features.contains))
        #endif
    }
}
