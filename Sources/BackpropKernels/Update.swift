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

/// What `Update.step` found: whether every gradient entry and every updated weight is finite,
/// and (when asked) Σ gradient² as `TensorHealth.sumOfSquares` sums it.
public struct UpdateStats: Sendable, Equatable {
    public var gradientsFinite = true
    public var weightsFinite = true
    public var gradientSquares: Double? = nil
    public init() {}
}

extension Update {
    /// `out ← w − ε (g + (2w)·s)` with a weight decay's `s` (the term `sumsq`'s backward rule would
    /// add last, see `Engine.deferrableDecay`), `out ← w − ε g` without: the same operations as
    /// the engine's rules, fan-in and `SGD.update`, hence the same bits, in one pass that writes
    /// elsewhere than w, so that a caller can still withhold the update after reading the stats.
    /// With `squares`, also Σ gradient² in Double, in `TensorHealth.sumOfSquares`'s order (32
    /// running sums by index mod 32, paired, then the tail): the bits of that reading.
    /// With `newSquares`, also the block sums of the new weights' squares, for a matrix of `cols`
    /// columns (a multiple of 32), as `Reduce.sumOfSquares` makes them (`Reduce.blockColumns`):
    /// `Reduce.foldBlocks` of them gives the bits of its sum of squares of `out`, which the next
    /// update's weight decay would otherwise read all of W again for.
    /// (D on: with the decay term; Q on: with the squares; N on: with the new weights' squares.
    /// Types, not Bools, so that each variant is compiled without the others' branches.)
    @inline(__always)
    static func step<V: SIMD, D: SquaresMode, Q: SquaresMode, N: SquaresMode>(
        _: V.Type, _: D.Type, _: Q.Type, _: N.Type, out: UnsafeMutablePointer<V.Scalar>, _ w: UnsafePointer<V.Scalar>,
        _ g: UnsafePointer<V.Scalar>, _ n: Int, decay s: V.Scalar, lr: V.Scalar,
        newSquares: NewSquares<V.Scalar>?
    ) -> UpdateStats where V.Scalar: BinaryFloatingPoint {
        let width = V.scalarCount, hasDecay = D.on, squares = Q.on
        precondition(32 % width == 0)
        // Where the new weights' squares of this row go, whether it is its block's first, and its column.
        let cols = newSquares?.cols ?? 0
        precondition(!N.on || (cols > 0 && cols % 32 == 0 && n % cols == 0))
        var blockSums = newSquares?.partials, fresh = true, col = 0, row = 0
        var gradCheck = V(), weightCheck = V()
        var a0 = SIMD8<Double>(), a1 = SIMD8<Double>(), a2 = SIMD8<Double>(), a3 = SIMD8<Double>()
        @inline(__always) func load(_ p: UnsafePointer<V.Scalar>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        precondition(V.self == SIMD16<Float>.self || V.self == SIMD8<Double>.self)
        // Squares of the gradient's lanes j..<j+width of a block of 32, widened to Double in
        // registers (a copy through memory, lane by lane, cost ~2% of an update), into the sums that
        // `TensorHealth.sumOfSquares` keeps for those lanes (lanes 0–7 in a0, 8–15 in a1, …).
        @inline(__always) func square(_ grad: V, _ j: Int) {
            if V.self == SIMD16<Float>.self {
                let f = unsafeBitCast(grad, to: SIMD16<Float>.self)
                let lo = SIMD8<Double>(f.lowHalf), hi = SIMD8<Double>(f.highHalf)
                if j == 0 { a0 += lo * lo; a1 += hi * hi } else { a2 += lo * lo; a3 += hi * hi }
            } else {
                let d = unsafeBitCast(grad, to: SIMD8<Double>.self), q = d * d
                switch j { case 0: a0 += q; case 8: a1 += q; case 16: a2 += q; default: a3 += q }
            }
        }
        let whole = n - n % 32
        var i = 0
        while i < whole {
            for j in stride(from: 0, to: 32, by: width) {
                let wv = load(w + i + j)
                let grad = hasDecay ? load(g + i + j) + (2 * wv) * s : load(g + i + j)
                let updated = wv - lr * grad
                UnsafeMutableRawPointer(out + i + j).storeBytes(of: updated, as: V.self)
                gradCheck += grad - grad   // NaN for NaN and ±Inf
                weightCheck += updated - updated
                if squares { square(grad, j) }
                if N.on, let sums = blockSums {
                    let dst = sums + col + j
                    let prev = fresh ? V() : load(dst)
                    UnsafeMutableRawPointer(dst).storeBytes(of: prev + updated * updated, as: V.self)
                }
            }
            i += 32
            if N.on {
                col += 32
                if col == cols {
                    col = 0; row += 1
                    fresh = row % Reduce.blockRows == 0
                    if fresh { blockSums = blockSums.map { $0 + cols } }
                }
            }
        }
        var stats = UpdateStats()
        var total = squares ? ((a0 + a1) + (a2 + a3)).sum() : 0
        var tailGrad: V.Scalar = 0, tailWeight: V.Scalar = 0
        while i < n {
            let grad = hasDecay ? g[i] + (2 * w[i]) * s : g[i]
            let updated = w[i] - lr * grad
            out[i] = updated
            tailGrad += grad - grad; tailWeight += updated - updated
            if squares { let x = Double(grad); total += x * x }
            i += 1
        }
        stats.gradientsFinite = gradCheck.sum() + tailGrad == 0
        stats.weightsFinite = weightCheck.sum() + tailWeight == 0
        if squares { stats.gradientSquares = total }
        return stats
    }

    /// `step` for Float (16 lanes).
    public static func step(out: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
                            _ n: Int, decay: Float?, lr: Float, squares: Bool,
                            newSquares: NewSquares<Float>? = nil) -> UpdateStats {
        step(SIMD16<Float>.self, out: out, w, g, n, decay: decay, lr: lr, squares: squares, newSquares)
    }
    /// `step` for Double (8 lanes).
    public static func step(out: UnsafeMutablePointer<Double>, _ w: UnsafePointer<Double>, _ g: UnsafePointer<Double>,
                            _ n: Int, decay: Double?, lr: Double, squares: Bool,
                            newSquares: NewSquares<Double>? = nil) -> UpdateStats {
        step(SIMD8<Double>.self, out: out, w, g, n, decay: decay, lr: lr, squares: squares, newSquares)
    }
    /// The variant of `step` with or without the new weights' squares.
    @inline(__always)
    static func step<V: SIMD>(_: V.Type, out: UnsafeMutablePointer<V.Scalar>, _ w: UnsafePointer<V.Scalar>,
                              _ g: UnsafePointer<V.Scalar>, _ n: Int, decay: V.Scalar?, lr: V.Scalar, squares: Bool,
                              _ newSquares: NewSquares<V.Scalar>?) -> UpdateStats where V.Scalar: BinaryFloatingPoint {
        newSquares == nil
            ? step(V.self, Plain.self, out: out, w, g, n, decay: decay, lr: lr, squares: squares, nil)
            : step(V.self, Squared.self, out: out, w, g, n, decay: decay, lr: lr, squares: squares, newSquares)
    }
    /// The variant of `step` for the decay and the squares asked for.
    @inline(__always)
    static func step<V: SIMD, N: SquaresMode>(_: V.Type, _: N.Type, out: UnsafeMutablePointer<V.Scalar>,
                                              _ w: UnsafePointer<V.Scalar>, _ g: UnsafePointer<V.Scalar>, _ n: Int,
                                              decay: V.Scalar?, lr: V.Scalar, squares: Bool,
                                              _ newSquares: NewSquares<V.Scalar>?) -> UpdateStats
        where V.Scalar: BinaryFloatingPoint {
        switch (decay, squares) {
        case (let s?, true):
            step(V.self, Squared.self, Squared.self, N.self, out: out, w, g, n, decay: s, lr: lr,
                 newSquares: newSquares)
        case (let s?, false):
            step(V.self, Squared.self, Plain.self, N.self, out: out, w, g, n, decay: s, lr: lr, newSquares: newSquares)
        case (nil, true):
            step(V.self, Plain.self, Squared.self, N.self, out: out, w, g, n, decay: 0, lr: lr, newSquares: newSquares)
        case (nil, false):
            step(V.self, Plain.self, Plain.self, N.self, out: out, w, g, n, decay: 0, lr: lr, newSquares: newSquares)
        }
    }
}
