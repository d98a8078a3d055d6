import Synchronization
import CSupport
#if canImport(Glibc)
import Glibc
#endif

/// A fixed set of persistent threads that run one job at a time, each thread taking one index.
///
/// Workers wait by spinning on an atomic generation counter (backing off to short sleeps when
/// idle): handing work to a Dispatch worker costs as much as a whole product here.
public final class WorkerPool: @unchecked Sendable {
    /// Threads taking part in a job, the calling thread included.
    public let count: Int
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private nonisolated(unsafe) var job: ((Int) -> Void)?
    private var workers: [pthread_t] = []

    public init(threads: Int) {
        count = max(1, threads)
        for index in 1..<count {
            let box = Unmanaged.passRetained(WorkerContext(pool: self, index: index)).toOpaque()
            var tid = pthread_t()
            let rc = pthread_create(&tid, nil, { raw in
                let ctx = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                ctx.pool.workerLoop(ctx.index)
                return nil
            }, box)
            if rc == 0 { workers.append(tid) } else { Unmanaged<WorkerContext>.fromOpaque(box).release() }
        }
    }

    deinit { shutdown() }

    /// Stops and joins the workers; the pool then runs jobs on the calling thread only.
    public func shutdown() {
        if stopping.exchange(true, ordering: .acquiringAndReleasing) { return }
        for t in workers { pthread_join(t, nil) }
        workers.removeAll()
    }

    /// Runs `body(i)` for every i in 0..<count, i = 0 on the calling thread; returns when all are done.
    public func run(_ body: (Int) -> Void) {
        if workers.isEmpty { for i in 0..<count { body(i) }; return }
        withoutActuallyEscaping(body) { escaping in
            job = escaping
            pending.store(workers.count, ordering: .releasing)
            generation.add(1, ordering: .releasing)
            escaping(0)
            while pending.load(ordering: .acquiring) != 0 { bp_cpu_relax() }
            job = nil
        }
    }

    /// Monotonic time (clock_gettime through the vDSO: no system call).
    static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    private func workerLoop(_ index: Int) {
        // Start from generation 0, not from the current value: a job published before this thread
        // got going must still be run, or the caller would wait for it forever.
        var seen = 0
        while true {
            // Spin without system calls while work is likely to come (a step's products are tens
            // of µs apart; a yield on a VM may give the CPU away for far longer); sleep once idle.
            var spins = 0
            var idleSince: UInt64 = 0
            // After a second idle (a TUI waiting for a key) only sleep: the first product after it
            // starts up to 2 ms late, and an idle TUI takes no CPU to speak of.
            var dozing = false
            while generation.load(ordering: .acquiring) == seen {
                if stopping.load(ordering: .acquiring) { return }
                if dozing { usleep(2000); continue }
                spins &+= 1
                bp_cpu_relax()
                if spins & 1023 == 0 {
                    let now = Self.nanoseconds()
                    if idleSince == 0 { idleSince = now } else if now - idleSince > 1_000_000_000 { dozing = true }
                    else if now - idleSince > 5_000_000 { usleep(100) }
                }
            }
            seen += 1
            job?(index)
            pending.subtract(1, ordering: .releasing)
        }
    }
}

private final class WorkerContext {
    let pool: WorkerPool
    let index: Int
    init(pool: WorkerPool, index: Int) { self.pool = pool; self.index = index }
}
