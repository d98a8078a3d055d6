import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM (and in the TUI SIGHUP, SIGQUIT) set a flag; the loop finishes what it is
/// doing, saves or restores the terminal, and exits 128 + the signal.
enum Signals {
    static let received = Atomic<Int32>(0)

    static func install(_ signals: [Int32] = [SIGINT, SIGTERM]) {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals {
            signal(s) { sig in Signals.received.store(sig, ordering: .relaxed) }
            sigaddset(&set, s)
        }
        // A parent may have started us with these blocked (test runners do); we rely on them.
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    static var pending: Int32 { received.load(ordering: .relaxed) }

    /// For work that checks `pending` only between long steps (a replayed action may train for
    /// minutes): once a signal has arrived and the work has not ended within `grace` seconds,
    /// `cleanup` runs and the process exits 128 + the signal, with the one error line.
    static func endWithin(_ grace: Double, cleanup: @escaping @Sendable () -> Void) {
        let watcher = Thread {
            while pending == 0 { usleep(20_000) }
            usleep(UInt32(grace * 1_000_000))
            let sig = pending
            cleanup()
            let line = "backprop-tui: error: interrupted by signal \(sig)\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            _exit(128 + sig)
        }
        watcher.start()
    }
}
