extension Reduce {
    /// Whether all n values are finite: x − x is +0 for a finite x and NaN for ±Inf and NaN, and
    /// a NaN stays in the vector sum. No branch per element, and four sums, so that the adds do not
    /// wait on each other: it runs at the speed of the loads.
    @inline(__always)
    static func allFinite<V: SIMD>(_ p: UnsafePointer<V.Scalar>, _ n: Int, _: V.Type) -> Bool
        where V.Scalar: BinaryFloatingPoint {
        var acc = V(), a1 = V(), a2 = V(), a3 = V(), tail = V.Scalar.zero
        let w = V.scalarCount
        var i = 0
        let raw = UnsafeRawPointer(p)
        let stride = MemoryLayout<V.Scalar>.stride
        while i + 4 * w <= n {
            let v0 = (raw + i * stride).loadUnaligned(as: V.self)
            let v1 = (raw + (i + w) * stride).loadUnaligned(as: V.self)
            let v2 = (raw + (i + 2 * w) * stride).loadUnaligned(as: V.self)
            let v3 = (raw + (i + 3 * w) * stride).loadUnaligned(as: V.self)
            acc += v0 - v0; a1 += v1 - v1; a2 += v2 - v2; a3 += v3 - v3
            i += 4 * w
        }
        acc += (a1 + a2) + a3
        while i + w <= n {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
            acc += v - v
            i += w
        }
        while i < n { tail += p[i] - p[i]; i += 1 }
        return acc.sum() + tail == 0
    }
    public static func allFinite(_ p: UnsafePointer<Float>, _ n: Int) -> Bool { allFinite(p, n, SIMD16<Float>.self) }
    public static func allFinite(_ p: UnsafePointer<Double>, _ n: Int) -> Bool { allFinite(p, n, SIMD8<Double>.self) }
}
