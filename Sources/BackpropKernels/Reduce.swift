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
    /// Eight vectors of columns at a time are summed down a block's rows in registers: summing row
    /// by row into `partials` made each vector a load and a store there too.
    @inline(__always)
    static func blockColumns<V: SIMD>(_ p: UnsafePointer<V.Scalar>, rows: Int, cols: Int,
                                      into partials: UnsafeMutablePointer<V.Scalar>,
                                      _ f: (V) -> V, _ g: (V.Scalar) -> V.Scalar) where V.Scalar: BinaryFloatingPoint {
        let w = V.scalarCount
        @inline(__always) func ld(_ q: UnsafePointer<V.Scalar>) -> V { UnsafeRawPointer(q).loadUnaligned(as: V.self) }
        @inline(__always) func st(_ v: V, _ q: UnsafeMutablePointer<V.Scalar>) {
            UnsafeMutableRawPointer(q).storeBytes(of: v, as: V.self)
        }
        var start = 0
        while start < rows {
            let end = min(rows, start + blockRows), dst = partials + (start / blockRows) * cols
            var c = 0
            while c + 8 * w <= cols {
                var s0 = V(), s1 = V(), s2 = V(), s3 = V(), s4 = V(), s5 = V(), s6 = V(), s7 = V()
                var src = p + start * cols + c
                for _ in start..<end {
                    s0 = s0 + f(ld(src)); s1 = s1 + f(ld(src + w)); s2 = s2 + f(ld(src + 2 * w))
                    s3 = s3 + f(ld(src + 3 * w)); s4 = s4 + f(ld(src + 4 * w)); s5 = s5 + f(ld(src + 5 * w))
                    s6 = s6 + f(ld(src + 6 * w)); s7 = s7 + f(ld(src + 7 * w))
                    src += cols
                }
                st(s0, dst + c); st(s1, dst + c + w); st(s2, dst + c + 2 * w); st(s3, dst + c + 3 * w)
                st(s4, dst + c + 4 * w); st(s5, dst + c + 5 * w); st(s6, dst + c + 6 * w); st(s7, dst + c + 7 * w)
                c += 8 * w
            }
            while c + w <= cols {
                var s = V()
                for r in start..<end { s = s + f(ld(p + r * cols + c)) }
                st(s, dst + c)
                c += w
            }
            while c < cols {
                var s: V.Scalar = 0
                for r in start..<end { s = s + g(p[r * cols + c]) }
                dst[c] = s
                c += 1
            }
            start = end
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
