import BackpropKernels
#if canImport(Glibc)
import Glibc
#endif

/// A floating-point type the engine runs in: Float for training, Double for checking.
public protocol Real: KernelScalar, CustomStringConvertible, LosslessStringConvertible {
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    /// The safetensors dtype name ("F32" or "F64").
    static var dtype: String { get }
    /// The `--precision` name ("float32" or "float64").
    static var precisionName: String { get }
    /// Deterministic sums of a rows × cols matrix (see `Reduce`); `scratch` holds `Reduce.scratchCount(rows:cols:)`.
    static func sum(_ p: UnsafePointer<Self>, rows: Int, cols: Int, scratch: UnsafeMutablePointer<Self>) -> Self
    static func sumOfSquares(_ p: UnsafePointer<Self>, rows: Int, cols: Int,
                             scratch: UnsafeMutablePointer<Self>) -> Self
    /// The sum of squares from block sums made by `GEMMEpilogue.sgd` (see `Reduce.foldBlocks`).
    static func foldBlocks(_ scratch: UnsafeMutablePointer<Self>, rows: Int, cols: Int) -> Self
    /// Whether all n values are finite (vectorised, see `Reduce.allFinite`).
    static func allFinite(_ p: UnsafePointer<Self>, _ n: Int) -> Bool
    /// `w ← w − ε (g + (2w)·λ)` over n elements; false if a gradient entry was not finite.
    static func sgdUpdate(_ w: UnsafeMutablePointer<Self>, _ g: UnsafePointer<Self>, _ n: Int, lambda: Self,
                          lr: Self) -> Bool
    /// `out ← w − ε (g + (2w)·decay)`, or `w − ε g` without a decay, with what it found (see `Update.step`).
    static func updateStep(out: UnsafeMutablePointer<Self>, _ w: UnsafePointer<Self>, _ g: UnsafePointer<Self>,
                           _ n: Int, decay: Self?, lr: Self, squares: Bool,
                           newSquares: NewSquares<Self>?) -> UpdateStats
}

extension Float: Real {
    public static func exp(_ x: Float) -> Float { Glibc.expf(x) }
    public static func log(_ x: Float) -> Float { Glibc.logf(x) }
    public static func tanh(_ x: Float) -> Float { Glibc.tanhf(x) }
    public static var dtype: String { "F32" }
    public static var precisionName: String { "float32" }
    public static func sum(_ p: UnsafePointer<Float>, rows: Int, cols: Int,
                           scratch: UnsafeMutablePointer<Float>) -> Float {
        Reduce.sum(p, rows: rows, cols: cols, scratch: scratch)
    }
    public static func sumOfSquares(_ p: UnsafePointer<Float>, rows: Int, cols: Int,
                                    scratch: UnsafeMutablePointer<Float>) -> Float {
        Reduce.sumOfSquares(p, rows: rows, cols: cols, scratch: scratch)
    }
    public static func foldBlocks(_ scratch: UnsafeMutablePointer<Float>, rows: Int, cols: Int) -> Float {
        Reduce.foldBlocks(scratch, rows: rows, cols: cols)
    }
    public static func allFinite(_ p: UnsafePointer<Float>, _ n: Int) -> Bool { Reduce.allFinite(p, n) }
    public static func sgdUpdate(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ n: Int, lambda: Float,
                                 lr: Float) -> Bool {
        Update.sgd(w, g, n, lambda: lambda, lr: lr)
    }
    public static func updateStep(out: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>,
                                  _ g: UnsafePointer<Float>, _ n: Int, decay: Float?, lr: Float,
                                  squares: Bool, newSquares: NewSquares<Float>?) -> UpdateStats {
        Update.step(out: out, w, g, n, decay: decay, lr: lr, squares: squares, newSquares: newSquares)
    }
}

extension Double: Real {
    public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    public static func log(_ x: Double) -> Double { Glibc.log(x) }
    public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    public static var dtype: String { "F64" }
    public static var precisionName: String { "float64" }
    public static func sum(_ p: UnsafePointer<Double>, rows: Int, cols: Int,
                           scratch: UnsafeMutablePointer<Double>) -> Double {
        Reduce.sum(p, rows: rows, cols: cols, scratch: scratch)
    }
    public static func sumOfSquares(_ p: UnsafePointer<Double>, rows: Int, cols: Int,
                                    scratch: UnsafeMutablePointer<Double>) -> Double {
        Reduce.sumOfSquares(p, rows: rows, cols: cols, scratch: scratch)
    }
    public static func foldBlocks(_ scratch: UnsafeMutablePointer<Double>, rows: Int, cols: Int) -> Double {
        Reduce.foldBlocks(scratch, rows: rows, cols: cols)
    }
    public static func allFinite(_ p: UnsafePointer<Double>, _ n: Int) -> Bool { Reduce.allFinite(p, n) }
    public static func sgdUpdate(_ w: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>, _ n: Int,
                                 lambda: Double, lr: Double) -> Bool {
        Update.sgd(w, g, n, lambda: lambda, lr: lr)
    }
    public static func updateStep(out: UnsafeMutablePointer<Double>, _ w: UnsafePointer<Double>,
                                  _ g: UnsafePointer<Double>, _ n: Int, decay: Double?, lr: Double,
                                  squares: Bool, newSquares: NewSquares<Double>?) -> UpdateStats {
        Update.step(out: out, w, g, n, decay: decay, lr: lr, squares: squares, newSquares: newSquares)
    }
}
