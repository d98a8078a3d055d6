/// The SGD step with weight decay, `w ← w − ε (g + (2w)·λ)`, in explicit vectors.
///
/// Elementwise, with the same operations in the same order as the scalar rules (no fused
/// multiply-add), so the bits equal `SGD.update` after the engine's back-propagation.
public enum Update {
    @inline(__always)
    static func run<V: SIMD>(_: V.Type, _ w: UnsafeMutablePointer<V.Scalar>, _ g: UnsafePointer<V.Scalar>, _ n: Int,
                             lambda: V.Scalar, lr: V.Scalar) -> Bool where V.Scalar: BinaryFloatingPoint {
        let width = V.scalarCount
        var bad = SIMDMask<V.MaskStorage>(repeating: false)
        var i = 0
        while i + width <= n {
            let wv = UnsafeRawPointer(w + i).loadUnaligned(as: V.self)
            let grad = UnsafeRawPointer(g + i).loadUnaligned(as: V.self) + (2 * wv) * lambda
            bad = bad .| ((grad - grad) .!= V())      // NaN for NaN and ±Inf
            UnsafeMutableRawPointer(w + i).storeBytes(of: wv - lr * grad, as: V.self)
            i += width
        }
        var tailBad = false
        while i < n {
            let grad = g[i] + (2 * w[i]) * lambda
            if !grad.isFinite { tailBad = true }
            w[i] = w[i] - lr * grad
            i += 1
        }
        return !any(bad) && !tailBad
    }

    /// Returns false if a gradient entry was NaN or infinite.
    public static func sgd(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ n: Int, lambda: Float,
                           lr: Float) -> Bool {
        run(SIMD16<Float>.self, w, g, n, lambda: lambda, lr: lr)
    }
    public static func sgd(_ w: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>, _ n: Int, lambda: Double,
                           lr: Double) -> Bool {
        run(SIMD8<Double>.self, w, g, n, lambda: lambda, lr: lr)
    }
}
