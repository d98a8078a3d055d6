extension String {
    /// A byte as two lowercase hex digits (`0a`), as digests and dumps print them.
    public init(hexByte v: UInt8) { let s = String(v, radix: 16); self = s.count == 1 ? "0" + s : s }
}
