import BackpropKernels
import Foundation
import Synchronization

/// The state of the host's two cores, for reading an epoch table taken on a shared machine:
/// how far apart the worker pool's two threads are, and how fast each does fused multiply-adds
/// while both do.
///
/// Why: this host moves its two vCPUs. On two cores of one die the threads are ~40 ns apart with
/// ~57 G FMA/s each, and our two-thread epochs run at ~300k samples/s; on one core's two
/// hyperthreads they measured 33 ns and 29 G each (epochs ~160k: one core's worth); on two dies
/// ~165 ns with full FMA rates (~20% slower). The epoch figures alone cannot tell this from noise.
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
