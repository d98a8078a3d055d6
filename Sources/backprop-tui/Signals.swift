import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM set a flag; the training loop finishes its step, saves, and exits 130/143.
enum Signals {
    static let received = Atomic<Int32>(0)

    static func install() {
        for s in [SIGINT, SIGTERM] {
            signal(s) { sig in Signals.received.store(sig, ordering: .relaxed) }
        }
    }

    static var pending: Int32 { received.load(ordering: .relaxed) }
}
