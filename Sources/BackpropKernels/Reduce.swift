/// Deterministic reductions: eight interleaved partial sums, combined pairwise.
///
/// The order is fixed by the definition, not by the compiler or the vector width, so `sum` in the
/// engine and the fused trainer's sum of squares give the same bits.
public enum Reduce {
    @inline(__always)
    static func run<T: BinaryFloatingPoint>(_ p: UnsafePointer<T>, _ n: Int, _ f: (T) -> T) -> T {
        var a0: T = 0, a1: T = 0, a2: T = 0, a3: T = 0, a4: T = 0, a5: T = 0, a6: T = 0, a7: T = 0
        var i = 0
        while i + 8 <= n {
            a0 += f(p[i]); a1 += f(p[i + 1]); a2 += f(p[i + 2]); a3 += f(p[i + 3])
            a4 += f(p[i + 4]); a5 += f(p[i + 5]); a6 += f(p[i + 6]); a7 += f(p[i + 7])
            i += 8
        }
        var tail: T = 0
        while i < n { tail += f(p[i]); i += 1 }
        return (((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))) + tail
    }

    /// Σ p[i].
    public static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Float { run(p, n) { $0 } }
    public static func sum(_ p: UnsafePointer<Double>, _ n: Int) -> Double { run(p, n) { $0 } }
    /// Σ p[i]², each square rounded before it is added (as sum(sqr(W)) does).
    public static func sumOfSquares(_ p: UnsafePointer<Float>, _ n: Int) -> Float { run(p, n) { $0 * $0 } }
    public static func sumOfSquares(_ p: UnsafePointer<Double>, _ n: Int) -> Double { run(p, n) { $0 * $0 } }
}
