import BackpropKernels

extension Matrix {
    /// `op(self) · op(other)`, the dense sum (no zero left out), through the packed kernels on the
    /// caller's thread; a transpose reads the same storage.
    public func matmul(_ other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false) -> Matrix {
        Kernels<T>().matmul(self, other, transA: transposeSelf, transB: transposeOther, skipZeroA: false)
    }

    public static func + (a: Matrix, b: Matrix) -> Matrix { a.zip(b, +) }
    public static func - (a: Matrix, b: Matrix) -> Matrix { a.zip(b, -) }
    public static func * (s: T, a: Matrix) -> Matrix { a.map { s * $0 } }

    /// Sum of all elements, in the fixed order `Reduce` defines.
    public func sum() -> T {
        var scratch = [T](repeating: 0, count: Reduce.scratchCount(rows: rows, cols: cols))
        return storage.withUnsafeBufferPointer { T.sum($0.baseAddress!, rows: rows, cols: cols, scratch: &scratch) }
    }

    public struct Summary: Sendable { public var min: T; public var max: T; public var mean: T; public var norm: T }

    /// Min, max, mean and Frobenius norm (accumulated in Double so the figures do not depend on T).
    public var summary: Summary {
        guard !storage.isEmpty else { return Summary(min: 0, max: 0, mean: 0, norm: 0) }
        var lo = storage[0], hi = storage[0]
        var s = 0.0, ss = 0.0
        for v in storage { lo = Swift.min(lo, v); hi = Swift.max(hi, v); s += Double(v); ss += Double(v) * Double(v) }
        return Summary(min: lo, max: hi, mean: T(s / Double(count)), norm: T(ss.squareRoot()))
    }

    /// True when every element is finite.
    public var isFinite: Bool {
        storage.withUnsafeBufferPointer { p in p.baseAddress.map { T.allFinite($0, p.count) } ?? true }
    }
}
