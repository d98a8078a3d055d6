/// Eight bytes read as one 64-bit word, tested for zeros without looking at each byte.
public enum ByteWords {
    /// Bit 7 of each byte set where that byte of `w` is not 0 (no carries cross bytes: 0x7F + 0x7F < 0x100).
    @inlinable @inline(__always)
    public static func nonzeroBytes(_ w: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return (((w & low7) &+ low7) | w) & ~low7
    }

    /// Bit j set when byte j of `w` (little-endian) is not 0: `nonzeroBytes` gathered into the top
    /// byte by one multiplication (each partial product lands on a distinct power of two, so
    /// nothing carries).
    @inlinable @inline(__always)
    public static func nonzeroMask(_ w: UInt64) -> Int {
        Int(truncatingIfNeeded: ((nonzeroBytes(w) >> 7) &* 0x0102_0408_1020_4080) >> 56)
    }
}
