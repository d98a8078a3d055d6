import BackpropKernels
import Foundation
import Synchronization

/// How far apart the worker pool's two threads are: a counter bounced between them, one-way
/// nanoseconds (the median of 7 runs of 20,000 round trips).
///
/// Why: this host sometimes runs two-thread work 20–40% slower for a while, and those are the
/// minutes in which its two vCPUs are ~160 ns apart instead of ~30 (on different dies, by the
/// latency), which a person reading the epoch table cannot otherwise tell from noise.
enum CoreLatency {
    final class Turn: Sendable { let value = Atomic<Int>(0) }

    static func oneWayNanoseconds() -> Double {
        let pool = WorkerPool(threads: 2)
        defer { pool.shutdown() }
        let rounds = 20_000
        var runs = [Double]()
        for _ in 0..<7 {
            let turn = Turn()
            let elapsed = Atomic<Int>(0)
            pool.run { t in
                if t == 0 {
                    let start = DispatchTime.now().uptimeNanoseconds
                    for i in 0..<rounds {
                        turn.value.store(2 * i + 1, ordering: .releasing)
                        while turn.value.load(ordering: .acquiring) != 2 * i + 2 {}
                    }
                    elapsed.store(Int(DispatchTime.now().uptimeNanoseconds - start), ordering: .relaxed)
                } else {
                    for i in 0..<rounds {
                        while turn.value.load(ordering: .acquiring) != 2 * i + 1 {}
                        turn.value.store(2 * i + 2, ordering: .releasing)
                    }
                }
            }
            runs.append(Double(elapsed.load(ordering: .relaxed)) / Double(2 * rounds))
        }
        return runs.sorted()[runs.count / 2]
    }
}
