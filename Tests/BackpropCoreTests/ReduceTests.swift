import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import BackpropKernels
@testable import BackpropCore

/// The matrix sums against their definition written out with scalars, bit for bit, and against a
/// sum in Double for their accuracy.
struct ReduceTests {
    /// Blocks of 128 rows, each column down its rows from +0; the columns' block sums from +0;
    /// the column totals as a vector: 64 interleaved lanes, folded 32, 16, … 1, then the tail.
    static func definition<T: BinaryFloatingPoint>(_ x: [T], rows: Int, cols: Int, square: Bool) -> T {
        var totals = [T](repeating: 0, count: cols)
        for start in stride(from: 0, to: rows, by: 128) {
            for c in 0..<cols {
                var s: T = 0
                for r in start..<min(rows, start + 128) { let v = x[r * cols + c]; s = s + (square ? v * v : v) }
                totals[c] = totals[c] + s
            }
        }
        var lanes = [T](repeating: 0, count: 64)
        let whole = cols / 64 * 64
        for i in 0..<whole { lanes[i % 64] = lanes[i % 64] + totals[i] }
        var width = 64
        while width > 1 { width /= 2; for j in 0..<width { lanes[j] = lanes[j] + lanes[j + width] } }
        var total = lanes[0]
        for i in whole..<cols { total = total + totals[i] }
        return total
    }

    func check<T: Real>(_: T.Type, rows: Int, cols: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let x = (0..<(rows * cols)).map { _ in T(rng.nextUnit() - 0.3) }
        var scratch = [T](repeating: .nan, count: Reduce.scratchCount(rows: rows, cols: cols))
        let (sum, squares) = x.withUnsafeBufferPointer { p in
            (T.sum(p.baseAddress!, rows: rows, cols: cols, scratch: &scratch),
             T.sumOfSquares(p.baseAddress!, rows: rows, cols: cols, scratch: &scratch))
        }
        let what = "\(T.self) \(rows)×\(cols)"
        #expect(sum.bitPattern == Self.definition(x, rows: rows, cols: cols, square: false).bitPattern, "sum \(what)")
        #expect(squares.bitPattern == Self.definition(x, rows: rows, cols: cols, square: true).bitPattern, "sum of squares \(what)")
        #expect(Matrix(rows: rows, cols: cols, x).sum().bitPattern == sum.bitPattern, "Matrix.sum \(what)")
        let exact = x.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(Double(squares) - exact) <= 1e-5 * exact, "\(what): \(squares) against \(exact)")
    }

    @Test func matrixSumsFollowTheirDefinition() {
        var seed: UInt64 = 1
        for (rows, cols) in [(1, 1), (1, 200), (200, 1), (127, 15), (128, 16), (129, 17), (300, 64), (784, 256), (257, 130), (3, 65)] {
            check(Float.self, rows: rows, cols: cols, seed: seed)
            check(Double.self, rows: rows, cols: cols, seed: seed + 100)
            seed += 1
        }
    }

    /// The SGD epilogue's block sums of squares, folded, equal the sum of squares of the W it
    /// leaves, for every split (blocks moved to the other thread included); asking for them changes
    /// no bit of W.
    func checkEpilogue<T: Real>(_: T.Type, m: Int, n: Int, k: Int, threads: Int, split: ParallelGEMM<T>.Split, hold: Int? = nil, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let a = (0..<(k * m)).map { i in i / 8 % 3 == 0 || rng.nextUnit() < 0.3 ? T(0) : T(rng.nextUnit()) }
        let b = (0..<(k * n)).map { _ in T(rng.nextUnit() - 0.5) }
        let w0 = (0..<(m * n)).map { _ in T(rng.nextUnit() - 0.5) }
        let pool = threads > 1 ? WorkerPool(threads: threads) : nil
        defer { pool?.shutdown() }
        let g = ParallelGEMM<T>(pool: pool)
        if let hold { holdBack(g, thread: hold) }
        func train(squares: UnsafeMutablePointer<T>?, gradSquares: UnsafeMutablePointer<T>? = nil) -> [T] {
            var w = w0, c = [T](repeating: .nan, count: m * n), flags = [UInt8](repeating: 0, count: m * n)
            w.withUnsafeMutableBufferPointer { wp in
                c.withUnsafeMutableBufferPointer { cp in
                    flags.withUnsafeMutableBufferPointer { fp in
                        g.gemm(m: m, n: n, k: k, a: a, aCols: m, transA: true, b: b, bCols: n, transB: false, c: cp.baseAddress!,
                               epilogue: .sgd(w: wp.baseAddress!, lambda: 1e-3, lr: 0.1, nonFinite: fp.baseAddress!, squares: squares,
                                              gradSquares: gradSquares),
                               skipZeroA: true, split: split)
                    }
                }
            }
            return w
        }
        var sums = [T](repeating: .nan, count: Reduce.scratchCount(rows: m, cols: n))
        let w = sums.withUnsafeMutableBufferPointer { train(squares: $0.baseAddress!) }
        let folded = sums.withUnsafeMutableBufferPointer { s in
            T.foldBlocks(s.baseAddress!, rows: m, cols: n)
        }
        let what = "\(T.self) \(m)×\(n)×\(k) threads=\(threads) \(split) hold=\(String(describing: hold))"
        #expect(folded.bitPattern == Self.definition(w, rows: m, cols: n, square: true).bitPattern, "ΣW² \(what)")
        #expect(zip(w, train(squares: nil)).allSatisfy { $0.bitPattern == $1.bitPattern }, "W \(what)")
        // The gradients' squares, tile by tile (at `gradSquaresIndex`; room for the narrowest tiles): their total is
        // Σ(AᵀB + 2λW)² computed apart, in Double; and asking for them changes no bit of W either.
        var tiles = [T](repeating: 0, count: GEMMEpilogue<T>.gradSquaresCount(rows: m, colTiles: n))
        let w2 = tiles.withUnsafeMutableBufferPointer { t in sums.withUnsafeMutableBufferPointer { train(squares: $0.baseAddress!, gradSquares: t.baseAddress!) } }
        #expect(zip(w, w2).allSatisfy { $0.bitPattern == $1.bitPattern }, "W with the gradients' squares \(what)")
        var exact = 0.0
        for i in 0..<m { for j in 0..<n {
            var c = 0.0
            for p in 0..<k { c += Double(a[p * m + i]) * Double(b[p * n + j]) }
            let grad = c + 2 * Double(w0[i * n + j]) * 1e-3
            exact += grad * grad
        } }
        let total = tiles.reduce(0.0) { $0 + Double($1) }
        #expect(abs(total - exact) <= 1e-5 * exact, "Σ∇² \(total) against \(exact): \(what)")
        // Every block of the held thread's share but its first moves (m rows: ⌈m/128⌉ blocks).
        if hold != nil { #expect(g.lastMoved == (m + ParallelGEMM<T>.rowBlock - 1) / ParallelGEMM<T>.rowBlock - 1, "\(g.lastMoved) blocks moved: \(what)") }
    }

    @Test func sgdEpilogueSumsTheSquaresOfTheUpdatedWeights() {
        checkEpilogue(Float.self, m: 784, n: 256, k: 128, threads: 1, split: .automatic, seed: 1)
        checkEpilogue(Float.self, m: 784, n: 256, k: 128, threads: 2, split: .columns, seed: 2)
        checkEpilogue(Float.self, m: 784, n: 256, k: 128, threads: 2, split: .balancedColumns, hold: 0, seed: 3)
        checkEpilogue(Float.self, m: 784, n: 256, k: 128, threads: 2, split: .balancedColumns, hold: 1, seed: 4)
        checkEpilogue(Float.self, m: 300, n: 45, k: 600, threads: 2, split: .balancedColumns, seed: 5)   // several k-blocks, edge tiles
        checkEpilogue(Float.self, m: 37, n: 7, k: 13, threads: 2, split: .columns, seed: 6)              // narrow tiles
        checkEpilogue(Double.self, m: 260, n: 40, k: 96, threads: 2, split: .balancedColumns, hold: 1, seed: 7)
        checkEpilogue(Double.self, m: 50, n: 19, k: 300, threads: 1, split: .automatic, seed: 8)
    }
}
