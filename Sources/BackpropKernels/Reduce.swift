/// Deterministic sums, in an order fixed by definition, not by the compiler or the thread count, so
/// that `sum` in the engine and the fused trainer's sum of squares give the same bits.
///
/// A vector of n elements: 64 interleaved partial sums (lane l takes the elements i ≡ l mod 64, in
/// order), folded pairwise in a fixed tree, then the tail in order; 64 lanes keep it fast.
///
/// A matrix (`rows` × `cols`, row-major) in blocks of `blockRows` rows: in each block, each column
/// summed down its rows in order from +0; each column's block sums added in block order from +0;
/// then the column totals summed as a vector. That order lets the fused trainer sum ΣW1² in the
/// epilogue of the product that updates W1, tile by tile on the thread that owns the tile (see
/// `GEMMEpilogue.sgd`): an order that mixed columns, as the vector order does across a row, would
/// need all of W1 on one thread after each update, which meant 400 KB of W1 taken from the other
/// core every step.
public enum Reduce {
    /// Rows per block of a matrix sum: GEMM's `mc`, so no block of W1 is shared by two threads in
    /// a `.balancedColumns` product, which moves blocks of `mc` rows.
    public static var blockRows: Int { 128 }

    @inline(__always)
    static func run<V: SIMD>(_ p: UnsafePointer<V.Scalar>, _ n: Int, _ vectors: Int, _ f: (V) -> V,
                             _ g: (V.Scalar) -> V.Scalar) -> V.Scalar
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

    /// Blocks of `blockRows` rows in a matrix of `rows` rows.
    public static func blocks(rows: Int) -> Int { (rows + blockRows - 1) / blockRows }

    /// Scratch a matrix sum needs: the block sums and the column totals.
    public static func scratchCount(rows: Int, cols: Int) -> Int { (blocks(rows: rows) + 1) * cols }

    /// `partials[b·cols + c]` = Σ f(p[r·cols + c]) over the rows r of block b, in order from +0.
    @inline(__always)
    static func blockColumns<V: SIMD>(_ p: UnsafePointer<V.Scalar>, rows: Int, cols: Int,
                                      into partials: UnsafeMutablePointer<V.Scalar>,
                                      _ f: (V) -> V, _ g: (V.Scalar) -> V.Scalar) where V.Scalar: BinaryFloatingPoint {
        let w = V.scalarCount
        for r in 0..<rows {
            let src = p + r * cols, dst = partials + (r / blockRows) * cols
            let fresh = r % blockRows == 0
            var c = 0
            while c + w <= cols {
                let prev = fresh ? V() : UnsafeRawPointer(dst + c).loadUnaligned(as: V.self)
                let v = UnsafeRawPointer(src + c).loadUnaligned(as: V.self)
                UnsafeMutableRawPointer(dst + c).storeBytes(of: prev + f(v), as: V.self)
                c += w
            }
            while c < cols { dst[c] = (fresh ? 0 : dst[c]) + g(src[c]); c += 1 }
        }
    }

    /// The matrix sum from its block sums: each column's blocks in order from +0 (into `totals`,
    /// `cols` long), then the totals as a vector.
    @inline(__always)
    static func fold<V: SIMD>(_: V.Type, _ partials: UnsafePointer<V.Scalar>, blocks: Int, cols: Int,
                              totals: UnsafeMutablePointer<V.Scalar>,
                              vectors: Int) -> V.Scalar where V.Scalar: BinaryFloatingPoint {
        totals.update(repeating: 0, count: cols)
        for b in 0..<blocks {
            let src = partials + b * cols
            for c in 0..<cols { totals[c] = totals[c] + src[c] }
        }
        return run(totals, cols, vectors, { (v: V) in v }, { $0 })
    }

    /// Σ of a rows × cols matrix in the matrix order; `scratch` holds `scratchCount(rows:cols:)`.
    public static func sum(_ p: UnsafePointer<Float>, rows: Int, cols: Int,
                           scratch: UnsafeMutablePointer<Float>) -> Float {
        blockColumns(p, rows: rows, cols: cols, into: scratch, { (v: SIMD16<Float>) in v }, { $0 })
        return foldBlocks(scratch, rows: rows, cols: cols)
    }
    public static func sum(_ p: UnsafePointer<Double>, rows: Int, cols: Int,
                           scratch: UnsafeMutablePointer<Double>) -> Double {
        blockColumns(p, rows: rows, cols: cols, into: scratch, { (v: SIMD8<Double>) in v }, { $0 })
        return foldBlocks(scratch, rows: rows, cols: cols)
    }

    /// Σ p², each square rounded before it is added (as sum(sqr(W)) does), in the matrix order.
    public static func sumOfSquares(_ p: UnsafePointer<Float>, rows: Int, cols: Int,
                                    scratch: UnsafeMutablePointer<Float>) -> Float {
        blockColumns(p, rows: rows, cols: cols, into: scratch, { (v: SIMD16<Float>) in v * v }, { $0 * $0 })
        return foldBlocks(scratch, rows: rows, cols: cols)
    }
    public static func sumOfSquares(_ p: UnsafePointer<Double>, rows: Int, cols: Int,
                                    scratch: UnsafeMutablePointer<Double>) -> Double {
        blockColumns(p, rows: rows, cols: cols, into: scratch, { (v: SIMD8<Double>) in v * v }, { $0 * $0 })
        return foldBlocks(scratch, rows: rows, cols: cols)
    }

    /// The matrix sum from block sums made elsewhere (by `GEMMEpilogue.sgd`'s `squares`): `scratch`
    /// (`scratchCount(rows:cols:)`) holds them in its first `blocks(rows:)` rows of `cols`; its last
    /// row receives the column totals.
    public static func foldBlocks(_ scratch: UnsafeMutablePointer<Float>, rows: Int, cols: Int) -> Float {
        fold(SIMD16<Float>.self, scratch, blocks: blocks(rows: rows), cols: cols,
             totals: scratch + blocks(rows: rows) * cols, vectors: 4)
    }
    public static func foldBlocks(_ scratch: UnsafeMutablePointer<Double>, rows: Int, cols: Int) -> Double {
        fold(SIMD8<Double>.self, scratch, blocks: blocks(rows: rows), cols: cols,
             totals: scratch + blocks(rows: rows) * cols, vectors: 8)
    }
}
