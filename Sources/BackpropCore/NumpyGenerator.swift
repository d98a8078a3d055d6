/// numpy's `default_rng(seed)`, bit for bit: PCG64 seeded through SeedSequence, with numpy's
/// ziggurat normals, uniforms and shuffle.
///
/// With it a numpy user rebuilds our initial weights and epoch orders in a few lines of their own
/// code, and our runs start where the numpy and JAX peers start. The whole state is five words, so
/// a checkpoint stores it and a resume continues exactly.
public struct NumpyGenerator: Sendable, Equatable {
    /// The 128-bit LCG state and increment.
    var state: (hi: UInt64, lo: UInt64), inc: (hi: UInt64, lo: UInt64)
    /// numpy's `has_uint32`/`uinteger`: a 32-bit draw hands out the halves of one 64-bit draw, low first.
    var spare: UInt32?

    /// `numpy.random.default_rng(seed + offset)`; the sum may exceed 64 bits, as Python's ints do.
    public init(seed: UInt64, offset: UInt64 = 0) {
        let (sum, carry) = seed.addingReportingOverflow(offset)
        var entropy: [UInt32] = []
        var n = sum
        while n != 0 { entropy.append(UInt32(truncatingIfNeeded: n)); n >>= 32 }
        if carry { while entropy.count < 2 { entropy.append(0) }; entropy.append(1) }
        if entropy.isEmpty { entropy = [0] }
        let v = Self.seedSequence(entropy: entropy, words: 4)
        // pcg64_set_seed + pcg_setseq_128_srandom_r: inc = 2·initseq + 1; step; add the seed; step.
        inc = (v[2] << 1 | v[3] >> 63, v[3] << 1 | 1)
        state = (0, 0)
        step()
        let (lo, c) = state.lo.addingReportingOverflow(v[1])
        state = (state.hi &+ v[0] &+ (c ? 1 : 0), lo)
        step()
    }

    /// A generator from `words` (as written by a checkpoint); nil when they cannot be one.
    public init?(words: [UInt64]) {
        guard words.count == 5, words[3] & 1 == 1, words[4] >> 32 <= 1 else { return nil }
        state = (words[0], words[1]); inc = (words[2], words[3])
        spare = words[4] >> 32 == 1 ? UInt32(truncatingIfNeeded: words[4]) : nil
    }

    /// State, increment and the spare 32-bit half (flag in the high word).
    public var words: [UInt64] { [state.hi, state.lo, inc.hi, inc.lo, spare.map { 1 << 32 | UInt64($0) } ?? 0] }

    public static func == (a: NumpyGenerator, b: NumpyGenerator) -> Bool { a.words == b.words }

    /// numpy's SeedSequence: hashes the entropy into a 4-word pool, then draws `words` 64-bit words.
    static func seedSequence(entropy: [UInt32], words: Int) -> [UInt64] {
        let xshift: UInt32 = 16
        var hashConst: UInt32 = 0x43B0_D7E5
        func hashmix(_ value: UInt32) -> UInt32 {
            var v = value ^ hashConst
            hashConst &*= 0x931E_8875
            v &*= hashConst
            return v ^ (v >> xshift)
        }
        func mix(_ x: UInt32, _ y: UInt32) -> UInt32 {
            let r = 0xCA01_F9DD &* x &- 0x4973_F715 &* y
            return r ^ (r >> xshift)
        }
        var pool = (0..<4).map { hashmix($0 < entropy.count ? entropy[$0] : 0) }
        for src in 0..<4 { for dst in 0..<4 where src != dst { pool[dst] = mix(pool[dst], hashmix(pool[src])) } }
        for src in pool.count..<max(pool.count, entropy.count) { for dst in
            0..<4 { pool[dst] = mix(pool[dst], hashmix(entropy[src])) }
        }
        var outConst: UInt32 = 0x8B51_F9DD
        let halves: [UInt32] = (0..<(2 * words)).map { i in
            var v = pool[i % 4] ^ outConst
            outConst &*= 0x58F3_8DED
            v &*= outConst
            return v ^ (v >> xshift)
        }
        return (0..<words).map { UInt64(halves[2 * $0]) | UInt64(halves[2 * $0 + 1]) << 32 }
    }

    /// state ← state · M + inc (mod 2¹²⁸), M being PCG's default 128-bit multiplier.
    mutating func step() {
        let m: (hi: UInt64, lo: UInt64) = (0x2360_ED05_1FC6_5DA4, 0x4385_DF64_9FCC_F645)
        let (h, l) = state.lo.multipliedFullWidth(by: m.lo)
        let (lo, c) = l.addingReportingOverflow(inc.lo)
        state = (h &+ state.hi &* m.lo &+ state.lo &* m.hi &+ inc.hi &+ (c ? 1 : 0), lo)
    }

    /// The next 64 bits: step, then XSL-RR of the new state.
    public mutating func next64() -> UInt64 {
        step()
        let x = state.hi ^ state.lo, r = state.hi >> 58
        return x >> r | x << ((64 - r) & 63)
    }

    /// The next 32 bits (numpy's `next_uint32`: the low half of a 64-bit draw, then its high half).
    public mutating func next32() -> UInt32 {
        if let s = spare { spare = nil; return s }
        let n = next64()
        spare = UInt32(truncatingIfNeeded: n >> 32)
        return UInt32(truncatingIfNeeded: n)
    }

    /// Uniform in [0, 1) with 53 bits (numpy's `next_double`).
    public mutating func nextDouble() -> Double { Double(next64() >> 11) * 0x1p-53 }

    /// An integer in 0...max by masked rejection (numpy's `random_interval`, used by its shuffle).
    public mutating func interval(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        var mask = max
        for s: UInt64 in [1, 2, 4, 8, 16, 32] { mask |= mask >> s }
        var v: UInt64
        if max <= UInt64(UInt32.max) {
            repeat { v = UInt64(next32()) & mask } while v > max
        } else {
            repeat { v = next64() & mask } while v > max
        }
        return v
    }

    /// `Generator.permutation(n)`: arange(n) shuffled by Fisher–Yates from the back.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        for i in stride(from: n - 1, through: 1, by: -1) { p.swapAt(i, Int(interval(UInt64(i)))) }
        return p
    }
}
