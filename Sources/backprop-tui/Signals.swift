import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM set a flag; the training loop finishes its step, saves, and exits 130/143.
enum Signals {
    static let received = Atomic<Int32>(0)

    static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGINT, SIGTERM] {
            signal(s) { sig in Signals.received.store(sig, ordering: .relaxed) }
            sigaddset(&set, s)
        }
        // A parent may have started us with these blocked (test runners do); we rely on them.
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    static var pending: Int32 { received.load(ordering: .relaxed) }
}
