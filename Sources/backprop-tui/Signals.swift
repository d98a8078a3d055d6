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
}
