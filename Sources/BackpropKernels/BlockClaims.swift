import Synchronization

/// Blocks 0..<count of one thread's share of a product, claimed one at a time: by the owner from
/// the first on, by another thread that has finished its own share from the last on. Each block is
/// computed by exactly one thread, so the split changes where C's tiles are computed, never how.
final class BlockClaims: @unchecked Sendable {
    /// The next block from the front (low 32 bits) and the end of the unclaimed ones (high 32 bits),
    /// in one word so that both ends move by one compare-and-exchange.
    private let word = Atomic<Int>(0)
    /// Keeps another thread's claims off this cache line (the owner and a thief both write here).
    private let padding: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0)

    /// Makes blocks 0..<count unclaimed (before the job is handed to the threads).
    func reset(_ count: Int) { word.store(count << 32, ordering: .relaxed) }

    /// The first unclaimed block, for its owner.
    func takeFirst() -> Int? { take { front, end in (front, end << 32 | (front + 1)) } }

    /// The last unclaimed block, for a thread that has finished its own, as long as the owner has
    /// another one left: when the owner is about to finish anyway, moving its block to another
    /// core's cache costs more than the wait.
    func takeLast() -> Int? { take(leaving: 1) { front, end in (end - 1, (end - 1) << 32 | front) } }

    @inline(__always)
    private func take(leaving: Int = 0, _ next: (Int, Int) -> (block: Int, word: Int)) -> Int? {
        var w = word.load(ordering: .relaxed)
        while true {
            let front = w & 0xFFFF_FFFF, end = w >> 32
            if end - front <= leaving { return nil }
            let (block, new) = next(front, end)
            let (done, seen) = word.compareExchange(expected: w, desired: new, ordering: .relaxed)
            if done { return block }
            w = seen
        }
    }
}
