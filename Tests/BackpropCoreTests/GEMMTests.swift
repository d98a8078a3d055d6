import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import BackpropKernels
@testable import BackpropCore

/// The packed kernels against the plain definition: c_ij = fma chain over p = 0..<k from +0, in
/// order. Bit for bit, for packed and in-place operands (B is read in place when it is row-major
/// and a thread's columns are whole tiles), edge tiles, several k-blocks, both thread splits and
/// skipped zeros.
struct GEMMTests {
    func naive<T: KernelScalar & Real>(_ m: Int, _ n: Int, _ k: Int, _ a: [T], _ ta: Bool, _ b: [T], _ tb: Bool) -> [T] {
        var c = [T](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: T = 0
                for p in 0..<k { s = s.addingProduct(ta ? a[p * m + i] : a[i * k + p], tb ? b[j * k + p] : b[p * n + j]) }
                c[i * n + j] = s
            }
        }
        return c
    }

    func check<T: KernelScalar & Real>(_: T.Type, m: Int, n: Int, k: Int, ta: Bool, tb: Bool, threads: Int, sparse: Bool, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        // Besides runs and scattered zeros: terms where one pair of a panel's rows is nonzero, a
        // different pair in turn, so that the pairs' lists of kept terms differ (see `microPairs`).
        func onePair(_ i: Int) -> Bool {
            let (r, t) = ta ? (i % m, i / m) : (i / k, i % k)
            return t % 5 == 1 && r / 2 % 4 != t % 4
        }
        let a = (0..<(m * k)).map { i in
            sparse && (i / 8 % 3 == 0 || onePair(i) || rng.nextUnit() < 0.3) ? T(0) : T(rng.nextUnit() - 0.5)
        }
        let b = (0..<(k * n)).map { _ in T(rng.nextUnit() - 0.5) }
        let expected = naive(m, n, k, a, ta, b, tb)
        let pool = threads > 1 ? WorkerPool(threads: threads) : nil
        defer { pool?.shutdown() }
        let g = ParallelGEMM<T>(pool: pool)
        for split in [ParallelGEMM<T>.Split.rows, .columns, .balancedColumns] {
            var c = [T](repeating: .nan, count: m * n)
            c.withUnsafeMutableBufferPointer { cp in
                g.gemm(m: m, n: n, k: k, a: a, aCols: ta ? m : k, transA: ta, b: b, bCols: tb ? k : n, transB: tb,
                       c: cp.baseAddress!, skipZeroA: sparse, split: split)
            }
            let bad = zip(c, expected).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(bad == 0, "\(T.self) \(m)×\(k)·\(k)×\(n) transA \(ta) transB \(tb) threads \(threads) \(split) sparse \(sparse): \(bad) entries differ")
        }
    }

    /// A as rows of bytes (scattered through a larger array, in a scrambled order, as a minibatch's
    /// examples lie in a data set), converted as they are packed: the same bits as the FMA chain on
    /// the converted values. Zeros come in runs of 8 and 4 (whole and half panels), around a lone
    /// nonzero value in each row of a panel in turn, and scattered.
    func checkBytes<T: KernelScalar & Real>(_: T.Type, m: Int, n: Int, k: Int, ta: Bool, threads: Int, sparse: Bool, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let (rowCount, width) = ta ? (k, m) : (m, k)   // the byte matrix R: A = R, or Rᵀ when ta
        let stored = 2 * rowCount + 1
        var images = [UInt8](repeating: 0, count: stored * width)
        let examples = (0..<rowCount).map { 2 * (rowCount - 1 - $0) + 1 }
        // Some terms are nonzero in one row of their panel only: a panel's rows are R's rows (for
        // 8 terms, R's columns c..<c+8) or, transposed, 8 of R's columns (a term is a row of R).
        func lone(_ r: Int, _ c: Int) -> Bool { ta ? r % 4 == 2 && c % 8 != r / 4 % 8 : c / 8 % 4 == 2 && r % 8 != c / 32 % 8 }
        for r in 0..<rowCount {
            for c in 0..<width {
                let i = r * width + c
                if sparse && (i / 8 % 3 == 0 || i / 4 % 5 == 1 || lone(r, c) || rng.nextUnit() < 0.3) { continue }
                images[examples[r] * width + c] = UInt8(1 + rng.nextIndex(below: 255))
            }
        }
        let scale: T = 1 / 255
        let a = examples.flatMap { e in (0..<width).map { T(images[e * width + $0]) * scale } }
        let b = (0..<(k * n)).map { _ in T(rng.nextUnit() - 0.5) }
        let expected = naive(m, n, k, a, ta, b, false)
        let pool = threads > 1 ? WorkerPool(threads: threads) : nil
        defer { pool?.shutdown() }
        let g = ParallelGEMM<T>(pool: pool)
        images.withUnsafeBufferPointer { ip in
            let table = examples.map { ip.baseAddress! + $0 * width }
            table.withUnsafeBufferPointer { tp in
                for split in [ParallelGEMM<T>.Split.rows, .columns, .balancedColumns] {
                    var c = [T](repeating: .nan, count: m * n)
                    c.withUnsafeMutableBufferPointer { cp in
                        g.gemm(m: m, n: n, k: k, a: .bytes(ByteRows(rows: tp.baseAddress!, scale: scale, transposed: ta)), b: b, bCols: n, transB: false,
                               c: cp.baseAddress!, skipZeroA: sparse, split: split)
                    }
                    let bad = zip(c, expected).filter { $0.bitPattern != $1.bitPattern }.count
                    #expect(bad == 0, "bytes \(T.self) \(m)×\(k)·\(k)×\(n) transA \(ta) threads \(threads) \(split) sparse \(sparse): \(bad) entries differ")
                }
            }
        }
    }

    @Test(arguments: [1, 2])
    func byteRowsEqualTheFMAChainOnTheirValues(threads: Int) {
        var seed: UInt64 = 300
        for (m, n, k) in [(128, 256, 784), (784, 256, 128), (17, 64, 300), (9, 96, 5), (33, 48, 523), (3, 33, 1), (13, 10, 61)] {
            for ta in [false, true] {
                for sparse in [false, true] {
                    seed += 1
                    checkBytes(Float.self, m: m, n: n, k: k, ta: ta, threads: threads, sparse: sparse, seed: seed)
                }
            }
        }
        checkBytes(Double.self, m: 40, n: 32, k: 600, ta: false, threads: threads, sparse: true, seed: 9)
        checkBytes(Double.self, m: 44, n: 48, k: 70, ta: true, threads: threads, sparse: true, seed: 10)
    }

    @Test(arguments: [1, 2])
    func packedProductsEqualTheFMAChain(threads: Int) {
        var seed: UInt64 = 100
        for (m, n, k) in [(128, 256, 784), (784, 256, 128), (17, 64, 300), (9, 96, 5), (33, 48, 520), (8, 10, 256), (128, 10, 256), (3, 33, 1)] {
            for (ta, tb) in [(false, false), (true, false), (false, true)] {
                for sparse in [false, true] where !(sparse && tb) {
                    seed += 1
                    check(Float.self, m: m, n: n, k: k, ta: ta, tb: tb, threads: threads, sparse: sparse, seed: seed)
                }
            }
        }
        check(Double.self, m: 40, n: 32, k: 600, ta: false, tb: false, threads: threads, sparse: true, seed: 7)
        check(Double.self, m: 40, n: 48, k: 70, ta: true, tb: false, threads: threads, sparse: false, seed: 8)
        check(Double.self, m: 44, n: 64, k: 90, ta: true, tb: false, threads: threads, sparse: true, seed: 11)
    }

    /// C with more stored columns than n (`cCols`, as the trainer keeps U1, H and G'), with the
    /// epilogues that read or write a second matrix laid out as C: the same bits as the FMA chain
    /// (relu of it, or it masked), and the padding between rows left as it was.
    @Test(arguments: [1, 2])
    func paddedRowsOfCKeepTheirValues(threads: Int) {
        #expect(AlignedBuffer<Float>.paddedColumns(256) == 272 && AlignedBuffer<Double>.paddedColumns(256) == 264)
        for (cols, padded) in [(1, 16), (16, 16), (17, 48), (32, 48), (33, 48), (255, 272)] {
            #expect(AlignedBuffer<Float>.paddedColumns(cols) == padded, "\(cols) Float columns")
        }
        let pool = threads > 1 ? WorkerPool(threads: threads) : nil
        defer { pool?.shutdown() }
        let g = ParallelGEMM<Float>(pool: pool)
        var rng = SeededGenerator(seed: 31)
        for (m, n, k) in [(128, 256, 784), (13, 21, 37), (128, 256, 10)] {
            let ld = AlignedBuffer<Float>.paddedColumns(n)
            let a = (0..<(m * k)).map { i in i % 3 == 0 ? 0 : Float(rng.nextUnit() - 0.5) }
            let b = (0..<(k * n)).map { _ in Float(rng.nextUnit() - 0.5) }
            let expected = naive(m, n, k, a, false, b, false)
            let mask = (0..<(m * ld)).map { _ in Float(rng.nextUnit() - 0.5) }
            for split in [ParallelGEMM<Float>.Split.rows, .columns, .balancedColumns] {
                var c = [Float](repeating: -7, count: m * ld), relu = c, masked = c
                c.withUnsafeMutableBufferPointer { cp in relu.withUnsafeMutableBufferPointer { rp in masked.withUnsafeMutableBufferPointer { mp in
                    g.gemm(m: m, n: n, k: k, a: a, aCols: k, transA: false, b: b, bCols: n, transB: false, c: cp.baseAddress!, cCols: ld,
                           epilogue: .reluCopy(out: rp.baseAddress!), skipZeroA: true, split: split)
                    mask.withUnsafeBufferPointer { kp in
                        g.gemm(m: m, n: n, k: k, a: a, aCols: k, transA: false, b: b, bCols: n, transB: false, c: mp.baseAddress!, cCols: ld,
                               epilogue: .reluMask(by: kp.baseAddress!), split: split)
                    }
                } } }
                var bad = 0
                for i in 0..<m {
                    for j in 0..<ld {
                        let e = j < n ? expected[i * n + j] : -7
                        let r = j < n ? (e > 0 ? e : 0) : -7, q = j < n && !(mask[i * ld + j] > 0) ? 0 : e
                        if c[i * ld + j].bitPattern != e.bitPattern || relu[i * ld + j].bitPattern != r.bitPattern
                            || masked[i * ld + j].bitPattern != q.bitPattern { bad += 1 }
                    }
                }
                #expect(bad == 0, "\(m)×\(k)·\(k)×\(n) into \(ld) columns, threads \(threads) \(split): \(bad) entries differ")
            }
        }
    }

    /// Threads' blocks stored apart (`bShift`, `cShift`, `aShift`, as `FusedTrainer` lays out W1,
    /// U1, H and G'): each block is read and written where it lies, with the same bits as the
    /// plain product; the gaps hold NaN in the operands (a read of one would show) and are never
    /// written in the results. Column splits (with the relu epilogues, and the SGD epilogue with a
    /// thread held back so that blocks move to the other), and a row split reading A transposed.
    @Test(arguments: [1, 2])
    func shiftedBlocksGiveTheSameBits(threads: Int) {
        let pool = threads > 1 ? WorkerPool(threads: threads) : nil
        defer { pool?.shutdown() }
        let g = ParallelGEMM<Float>(pool: pool)
        var rng = SeededGenerator(seed: 41)
        let gap = threads > 1 ? 16 : 0
        for (m, n, k) in [(128, 256, 784), (13, 21, 37), (40, 70, 12), (784, 256, 128)] {
            let blocks = (0..<threads).map { ParallelGEMM<Float>.block($0, of: threads, extent: n, unit: Float.tileColumns) }
            let ld = n + threads * gap + 3
            /// Row-major rows×n values stored with the blocks apart; `fill` elsewhere.
            func spread(_ v: [Float], rows: Int, fill: Float) -> [Float] {
                var out = [Float](repeating: fill, count: rows * ld)
                for (t, block) in blocks.enumerated() { for i in 0..<rows { for j in block { out[i * ld + j + t * gap] = v[i * n + j] } } }
                return out
            }
            let a = (0..<(m * k)).map { i in i % 3 == 0 ? 0 : Float(rng.nextUnit() - 0.5) }
            let b = (0..<(k * n)).map { _ in Float(rng.nextUnit() - 0.5) }
            let expected = naive(m, n, k, a, false, b, false)
            let bs = spread(b, rows: k, fill: .nan)
            for split in [ParallelGEMM<Float>.Split.columns, .balancedColumns] {
                var c = [Float](repeating: -7, count: m * ld), relu = c
                c.withUnsafeMutableBufferPointer { cp in relu.withUnsafeMutableBufferPointer { rp in
                    g.gemm(m: m, n: n, k: k, a: a, aCols: k, transA: false, b: bs, bCols: ld, transB: false, c: cp.baseAddress!, cCols: ld,
                           epilogue: .reluCopy(out: rp.baseAddress!), skipZeroA: true, split: split, bShift: gap, cShift: gap)
                } }
                let want = spread(expected, rows: m, fill: -7), wantRelu = spread(expected.map { $0 > 0 ? $0 : 0 }, rows: m, fill: -7)
                let bad = (0..<(m * ld)).filter { c[$0].bitPattern != want[$0].bitPattern || relu[$0].bitPattern != wantRelu[$0].bitPattern }.count
                #expect(bad == 0, "\(m)×\(k)·\(k)×\(n), threads \(threads) \(split): \(bad) stored entries differ")
            }
            // A row split of Aᵀ B, A (k×m here: m rows of the result) read transposed from blocks stored apart.
            if n >= 8 {
                let h = (0..<(k * n)).map { _ in Float(rng.nextUnit() - 0.5) }, gk = (0..<(k * 10)).map { _ in Float(rng.nextUnit() - 0.5) }
                let hs = spread(h, rows: k, fill: .nan)
                var c = [Float](repeating: -7, count: n * 10)
                c.withUnsafeMutableBufferPointer { cp in
                    g.gemm(m: n, n: 10, k: k, a: hs, aCols: ld, transA: true, b: gk, bCols: 10, transB: false, c: cp.baseAddress!,
                           split: .rows, aShift: gap)
                }
                let want = naive(n, 10, k, h, true, gk, false)
                #expect(zip(c, want).allSatisfy { $0.bitPattern == $1.bitPattern }, "Aᵀ B from \(k)×\(n) blocks apart, threads \(threads)")
            }
            // The SGD epilogue on W stored apart, one thread held back so that the other takes its blocks.
            if m == 784, let pool {
                let w0 = (0..<(m * n)).map { _ in Float(rng.nextUnit() - 0.5) }
                let aT = (0..<(k * m)).map { i in i / 8 % 3 == 0 ? Float(0) : Float(rng.nextUnit()) }
                let (lambda, lr): (Float, Float) = (1e-4, 0.1)
                let gradient = naive(m, n, k, aT, true, b, false)
                let expectedW = spread(zip(w0, gradient).map { w, g in w - lr * (g + (2 * w) * lambda) }, rows: m, fill: -7)
                let held = ParallelGEMM<Float>(pool: pool)
                holdBack(held, thread: 0)
                var w = spread(w0, rows: m, fill: -7), c = [Float](repeating: .nan, count: m * ld), flags = [UInt8](repeating: 0, count: m * n / 64)
                w.withUnsafeMutableBufferPointer { wp in c.withUnsafeMutableBufferPointer { cp in flags.withUnsafeMutableBufferPointer { fp in
                    held.gemm(m: m, n: n, k: k, a: aT, aCols: m, transA: true, b: bs, bCols: ld, transB: false, c: cp.baseAddress!, cCols: ld,
                              epilogue: .sgd(w: wp.baseAddress!, lambda: lambda, lr: lr, nonFinite: fp.baseAddress!),
                              skipZeroA: true, split: .balancedColumns, bShift: gap, cShift: gap)
                } } }
                #expect(held.lastMoved == 6, "\(held.lastMoved) blocks moved; expected all of thread 0's but its first")
                #expect(zip(w, expectedW).allSatisfy { $0.bitPattern == $1.bitPattern }, "W stored apart: \(held.lastMoved) blocks moved")
                #expect(flags.allSatisfy { $0 == 0 })
            }
        }
    }

    /// `.balancedColumns` with one thread held back: the other computes its own blocks of rows,
    /// then all of the held thread's but the one that thread is left to start; the tiles that moved
    /// are computed with the same bits (the fused SGD epilogue included, as in Xᵀ G').
    @Test
    func balancedColumnsMoveBlocksWithTheSameBits() {
        let (m, n, k) = (784, 256, 128)
        var rng = SeededGenerator(seed: 77)
        let a = (0..<(k * m)).map { i in i / 8 % 3 == 0 || rng.nextUnit() < 0.3 ? Float(0) : Float(rng.nextUnit()) }
        let b = (0..<(k * n)).map { _ in Float(rng.nextUnit() - 0.5) }
        let w0 = (0..<(m * n)).map { _ in Float(rng.nextUnit() - 0.5) }
        let (lambda, lr): (Float, Float) = (1e-4, 0.1)
        // W − ε(Aᵀ B + (2W)·λ), with Aᵀ B by the FMA chain, as SGD.update does it.
        let gradient = naive(m, n, k, a, true, b, false)
        let expected = zip(w0, gradient).map { w, g in w - lr * (g + (2 * w) * lambda) }
        for held in [0, 1] {
            let pool = WorkerPool(threads: 2)
            defer { pool.shutdown() }
            let g = ParallelGEMM<Float>(pool: pool)
            holdBack(g, thread: held)
            var w = w0, c = [Float](repeating: .nan, count: m * n), flags = [UInt8](repeating: 0, count: 4 * m * n / 256)
            w.withUnsafeMutableBufferPointer { wp in
                c.withUnsafeMutableBufferPointer { cp in
                    flags.withUnsafeMutableBufferPointer { fp in
                        g.gemm(m: m, n: n, k: k, a: a, aCols: m, transA: true, b: b, bCols: n, transB: false, c: cp.baseAddress!,
                               epilogue: .sgd(w: wp.baseAddress!, lambda: lambda, lr: lr, nonFinite: fp.baseAddress!),
                               skipZeroA: true, split: .balancedColumns)
                    }
                }
            }
            // 784 rows are 7 blocks of 128 per thread; the held thread is left its first.
            #expect(g.lastMoved == 6, "thread \(held) held: \(g.lastMoved) blocks moved")
            #expect(zip(w, expected).allSatisfy { $0.bitPattern == $1.bitPattern }, "thread \(held) held: W differs")
            #expect(flags.allSatisfy { $0 == 0 })
        }
    }

    /// Claims from both ends, by two threads at once: every block goes to exactly one of them, and
    /// the thief leaves the owner its last.
    @Test
    func blockClaimsGiveEachBlockOnce() async {
        for count in [0, 1, 2, 7, 1000] {
            let claims = BlockClaims()
            claims.reset(count)
            async let owner: [Int] = { var got = [Int](); while let b = claims.takeFirst() { got.append(b) }; return got }()
            async let thief: [Int] = { var got = [Int](); while let b = claims.takeLast() { got.append(b) }; return got }()
            let (o, t) = await (owner, thief)
            #expect((o + t).sorted() == Array(0..<count), "\(count) blocks: owner \(o.count), thief \(t.count)")
            #expect(o == o.sorted() && t == t.sorted(by: >))
            #expect(count == 0 || !o.isEmpty, "\(count) blocks: the owner got none")
        }
    }
}
