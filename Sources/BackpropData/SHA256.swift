import CSupport

/// SHA-256 (FIPS 180-4), used to identify data sets by the digest of their decompressed bytes.
///
/// Whole blocks go through the CPU's SHA instructions when it has them (the Swift rounds, the
/// fallback, take a large part of the time to the first step; docs/hardening.md).
public struct SHA256: Sendable {
    private var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
                               0x5be0cd19]
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    /// The round constants: one table, shared with the SHA-instruction path (CSupport).
    nonisolated(unsafe) private static let k = UnsafeBufferPointer(start: bp_sha256_constants(), count: 64)

    private let instructions: Bool

    /// A hash that uses the SHA instructions when `instructions` and the CPU has them (false: the
    /// Swift rounds only, to test one against the other).
    public init(instructions: Bool = true) { self.instructions = instructions && SHA256.hardware }

    /// Whether the CPU has the SHA extensions.
    public static let hardware = bp_sha256_hardware() != 0

    public mutating func update(_ data: some Collection<UInt8>) {
        length &+= UInt64(data.count)
        var rest = ArraySlice(data)
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, rest.count)
            buffer += rest.prefix(take); rest = rest.dropFirst(take)
            if buffer.count == 64 {
                buffer.withUnsafeBufferPointer { compress($0.baseAddress!) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        let whole = rest.count / 64 * 64
        if whole > 0 {
            rest.withUnsafeBufferPointer { p in
                if instructions {
                    h.withUnsafeMutableBufferPointer { bp_sha256_blocks($0.baseAddress!, p.baseAddress!, whole / 64) }
                } else {
                    var o = 0
                    while o < whole { compress(p.baseAddress! + o); o += 64 }
                }
            }
        }
        buffer += rest.dropFirst(whole)
    }

    public mutating func finalize() -> [UInt8] {
        let bits = length &* 8
        var pad: [UInt8] = [0x80]
        pad += [UInt8](repeating: 0, count: (55 - Int(length % 64) + 64) % 64)
        for i in (0..<8).reversed() { pad.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        let saved = length
        update(pad)
        length = saved
        return h.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
    }

    /// The digest of `data` as 64 hex digits.
    public static func hex(_ data: some Collection<UInt8>) -> String {
        var s = SHA256(); s.update(data)
        return s.finalize().map { String(hexByte: $0) }.joined()
    }

    private mutating func compress(_ p: UnsafePointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                w[i] = UInt32(p[4 * i]) << 24 | UInt32(p[4 * i + 1]) << 16
                    | UInt32(p[4 * i + 2]) << 8 | UInt32(p[4 * i + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            let k = Self.k
            for i in 0..<64 {
                let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
                let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
            }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
        }
    }
    @inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }
}
