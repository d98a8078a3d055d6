import BackpropKernels
import BackpropData

/// Arranges each minibatch so that examples alike sit together: images by the width of their
/// nonzero part, then its top row, then their count of zero pixels; other data by label, then count
/// of zero features.
///
/// Why: the trainer's X W1 leaves out a pixel for a tile of 8 examples when all 8 are 0 there
/// (the same bits, see `GEMM`); alike examples side by side share many more such zeros than a
/// shuffled minibatch (docs/performance.md). Only the
/// order inside a minibatch changes, not which examples it holds, so the gradient is the same up to
/// the order of its sums. It depends on nothing but the data, so a resumed run arranges alike; it
/// is the trainer's alone: a trace puts the rows back in the epoch's order (`Trace`), and the TUI,
/// sessions and logs never see it.
public struct MinibatchOrder: Sendable {
    /// Per example, in bits 32 and up: images: width of the nonzero columns (8 bits), first nonzero
    /// row (8 bits), zero count (16 bits); other data: label (16 bits), zero count (16 bits).
    let keys: [UInt64]
    var scratch: [UInt64]
    var rows: [Int]

    /// How a minibatch (`batch`, examples in the epoch's order) and its arrangement line up:
    /// `back[i]` is the arranged row of the batch's row i, `order[r]` the batch's row of arranged row r.
    public static func rows(_ batch: [Int], arranged: [Int]) -> (back: [Int], order: [Int]) {
        var at: [Int: Int] = [:]
        for (r, e) in arranged.enumerated() { at[e] = r }
        let back = batch.map { at[$0]! }
        var order = [Int](repeating: 0, count: back.count)
        for (i, r) in back.enumerated() { order[r] = i }
        return (back, order)
    }

    public init(_ data: Dataset, maxBatch: Int) {
        let d = data.d
        let side = data.imageSide.flatMap { $0 * $0 == d ? $0 : nil }   // square images only
        var keys = [UInt64](repeating: 0, count: data.count)
        func count<E: Numeric>(_ features: [E]) {
            features.withUnsafeBufferPointer { p in
                for i in 0..<data.count {
                    let x = p.baseAddress! + i * d
                    var zeros = 0
                    for j in 0..<d where x[j] == 0 { zeros += 1 }
                    let z = UInt64(min(zeros, 0xFFFF)) << 32
                    if let side {
                        // The bounding box of the nonzero pixels: its width and top row.
                        // (Each row scanned from both ends only up to its first nonzero, not whole.)
                        var top = side, left = side, right = -1
                        for r in 0..<side {
                            let row = x + r * side
                            var c = 0
                            while c < side && row[c] == 0 { c += 1 }
                            if c == side { continue }
                            var e = side - 1
                            while row[e] == 0 { e -= 1 }
                            top = min(top, r); left = min(left, c); right = max(right, e)
                        }
                        let width = UInt64(min(max(right - left + 1, 0), 255)), first = UInt64(min(top, 255))
                        keys[i] = width << 56 | first << 48 | z
                    } else {
                        keys[i] = UInt64(data.labels[i]) << 48 | z
                    }
                }
            }
        }
        switch data.features {
        case .bytes(let b) where side != nil:
            // Word by word: the same keys as `count`, several times faster.
            b.withUnsafeBytes { p in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (side! + 7) / 8) { occupied in
                    for i in 0..<data.count {
                        keys[i] = Self.imageKey(p.baseAddress! + i * d, side: side!, occupied: occupied)
                    }
                }
            }
        case .bytes(let b): count(b)
        case .floats(let f): count(f)
        case .doubles(let f): count(f)
        }
        self.keys = keys
        scratch = [UInt64](repeating: 0, count: maxBatch)
        rows = [Int](repeating: 0, count: maxBatch)
    }

    /// An image's key (see `keys`) from its `side`×`side` bytes, eight at a time: the zero count,
    /// the first nonzero byte's row, and the nonzero columns' extent from the OR of all rows.
    /// `occupied` is scratch for that OR, ⌈side / 8⌉ words.
    static func imageKey(_ x: UnsafeRawPointer, side: Int, occupied: UnsafeMutableBufferPointer<UInt64>) -> UInt64 {
        @inline(__always) func word(_ at: Int, _ count: Int) -> UInt64 {   // count ≤ 8 bytes, little-endian
            if count == 8 { return x.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
            var w: UInt64 = 0
            for b in 0..<count { w |= UInt64(x.load(fromByteOffset: at + b, as: UInt8.self)) << (8 * b) }
            return w
        }
        let d = side * side
        var nonzero = 0, first = -1
        var i = 0
        while i < d {
            let n = min(8, d - i)
            let bits = ByteWords.nonzeroBytes(word(i, n))
            nonzero += bits.nonzeroBitCount
            if first < 0 && bits != 0 { first = i + bits.trailingZeroBitCount / 8 }
            i += n
        }
        let z = UInt64(min(d - nonzero, 0xFFFF)) << 32
        guard first >= 0 else { return UInt64(min(side, 255)) << 48 | z }   // no nonzero pixel: width 0
        let words = (side + 7) / 8
        for w in 0..<words { occupied[w] = 0 }
        for r in (first / side)..<side {
            for w in 0..<words { occupied[w] |= word(r * side + 8 * w, min(8, side - 8 * w)) }
        }
        var left = 0, right = 0
        for w in 0..<words where occupied[w] != 0 {
            left = 8 * w + ByteWords.nonzeroBytes(occupied[w]).trailingZeroBitCount / 8
            break
        }
        for w in (0..<words).reversed() where occupied[w] != 0 {
            right = 8 * w + (63 - ByteWords.nonzeroBytes(occupied[w]).leadingZeroBitCount) / 8
            break
        }
        let width = UInt64(min(right - left + 1, 255)), top = UInt64(min(first / side, 255))
        return width << 56 | top << 48 | z
    }

    /// The examples of `batch` (at most maxBatch), arranged; ties keep their order in `batch`.
    /// The result is a view of a buffer that the next call reuses: nothing is allocated as long as
    /// the previous result is no longer held.
    public mutating func arrange(_ batch: ArraySlice<Int>) -> ArraySlice<Int> {
        let m = batch.count
        precondition(m <= scratch.count && m < 1 << 32)
        let start = batch.startIndex
        scratch.withUnsafeMutableBufferPointer { s in
            // The position in the batch in the low bits makes every key distinct and the order total.
            for r in 0..<m { s[r] = keys[batch[start + r]] | UInt64(r) }
            // Insertion sort: m is a minibatch (128), the keys are in a buffer, nothing is allocated.
            for r in 1..<max(m, 1) {
                let v = s[r]
                var j = r
                while j > 0 && s[j - 1] > v { s[j] = s[j - 1]; j -= 1 }
                s[j] = v
            }
        }
        for r in 0..<m { rows[r] = batch[start + Int(truncatingIfNeeded: scratch[r] & 0xFFFF_FFFF)] }
        return rows[0..<m]
    }
}
