import BackpropKernels
import Foundation
import Synchronization

/// The state of the host's two cores, for reading an epoch table taken on a shared machine:
/// how far apart the worker pool's two threads are, and how fast each does fused multiply-adds
/// while both do.
///
/// Why: this host sometimes runs two-thread work 20–40% slower for a while. In such minutes each
/// core's FMA rate with both busy has measured 47 G/s instead of 57 (one run: our two-thread epoch
/// 162k samples/s instead of ~250k), and at other times the cores were ~160 ns apart instead of
/// ~30–50 (on different dies); neither can be told from noise in the epoch figures alone.
enum HostProbe {
    final class Turn: Sendable { let value = Atomic<Int>(0) }

    /// One-way nanoseconds between the pool's two threads: a counter bounced between them (the
    /// median of 7 runs of 20,000 round trips).
    static func oneWayNanoseconds(_ pool: WorkerPool) -> Double {
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

    /// Each thread's G FMA/s (float lanes, `FMARate`), both at once.
    static func fmaRates(_ pool: WorkerPool) -> [Double] {
        let rates = UnsafeMutablePointer<Double>.allocate(capacity: pool.count)
        defer { rates.deallocate() }
        pool.run { t in rates[t] = FMARate.measure() }
        return (0..<pool.count).map { rates[$0] }
    }
}
