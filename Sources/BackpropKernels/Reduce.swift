/// Deterministic sums: 64 interleaved partial sums (lane l takes the elements i ≡ l mod 64, in
/// order), folded pairwise in a fixed tree, then the tail in order.
///
/// The order is fixed by this definition, not by the compiler or the thread count, so `sum` in the
/// engine and the fused trainer's sum of squares give the same bits; 64 lanes keep it fast.
public enum Reduce {
    @inline(__always)
    static func run<V: SIMD>(_ p: UnsafePointer<V.Scalar>, _ n: Int, _ vectors: Int, _ f: (V) -> V, _ g: (V.Scalar) -> V.Scalar) -> V.Scalar
        where V.Scalar: BinaryFloatingPoint {
        let w = V.scalarCount
        let lanes = w * vectors          // 64
        return withUnsafeTemporaryAllocation(of: V.self, capacity: vectors) { acc in
            for v in 0..<vectors { acc[v] = V() }
            var i = 0
            while i + lanes <= n {
                for v in 0..<vectors { acc[v] += f(UnsafeRawPointer(p + i + v * w).loadUnaligned(as: V.self)) }
                i += lanes
            }
            // Fold the 64 lanes pairwise: 32, 16, … 1 (in the accumulators' own storage: no
            // allocation, as the trainer calls this every step).
            return acc.withMemoryRebound(to: V.Scalar.self) { lane in
                var width = lanes
                while width > 1 { width /= 2; for j in 0..<width { lane[j] = lane[j] + lane[j + width] } }
                var total = lane[0]
                while i < n { total += g(p[i]); i += 1 }
                return total
            }
        }
    }

    /// Σ p[i].
    public static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Float { run(p, n, 4, { (v: SIMD16<Float>) in v }, { $0 }) }
    public static func sum(_ p: UnsafePointer<Double>, _ n: Int) -> Double { run(p, n, 8, { (v: SIMD8<Double>) in v }, { $0 }) }
    /// Σ p[i]², each square rounded before it is added (as sum(sqr(W)) does).
    public static func sumOfSquares(_ p: UnsafePointer<Float>, _ n: Int) -> Float { run(p, n, 4, { (v: SIMD16<Float>) in v * v }, { $0 * $0 }) }
    public static func sumOfSquares(_ p: UnsafePointer<Double>, _ n: Int) -> Double { run(p, n, 8, { (v: SIMD8<Double>) in v * v }, { $0 * $0 }) }
}
