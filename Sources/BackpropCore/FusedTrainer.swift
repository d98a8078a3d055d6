import BackpropKernels

/// Figure 6.11 compiled for training: the engine's rules and kernels, fused, on preallocated buffers.
///
/// One `step` equals the engine's forward pass, its back-propagation and an SGD update, bit for
/// bit (tested), but allocates nothing and makes fewer passes over memory:
/// - `H = relu(U1)` is written by the epilogue of the product that makes U1;
/// - softmax, J_MLE and G come from one pass over U2 (`CrossEntropyOp.softmaxRow`), row by row on the
///   thread that made the row;
/// - `G' = (G W2ᵀ) ⊙ [U1 > 0]` is the epilogue of the product G W2ᵀ;
/// - the weight-decay term 2λW, the sum Xᵀ G' + 2λW and the update W − ε∇W happen in the epilogue
///   of the product that makes the gradient, tile by tile: ∇W never travels to memory.
/// - that epilogue also sums the squares of the new W1 by blocks, which is ΣW1² for the next step's J.
/// What it keeps between forward and backward is U1, H and G: O(m·n_h).
///
/// With several threads, every product that touches W1 or the hidden units splits the hidden units,
/// so each thread keeps its own columns of W1, U1, H and G' in its cache (a split by W1's rows moved
/// half of W1 between the cores every step). Every buffer starts on a cache line, and W1, U1, H and
/// G' keep an unused line after each thread's block of hidden units (`gap`), so that one core's
/// prefetchers do not pull in lines the other is writing. (Measurements: docs/performance-log.md.)
/// X's zero pixels are left out of X W1 and Xᵀ G' (`skipZeros`). Images are read by those two
/// products as the data set stores them, bytes, converted as they are packed (`step(m:images:…)`).
public final class FusedTrainer<T: Real>: @unchecked Sendable {
    public let d: Int, nh: Int, k: Int, maxBatch: Int
    /// The weights (copies in and out; the trainer keeps them in cache-line aligned buffers, W1's
    /// rows `ldw` apart with a `gap` after each thread's block of columns).
    public var W1: [T] {
        get {
            var out = [T](repeating: 0, count: d * nh)
            out.withUnsafeMutableBufferPointer { o in
                forEachW1Run { logical, stored, n in
                    (o.baseAddress! + logical).update(from: w1.base + stored, count: n)
                }
            }
            return out
        }
        set {
            precondition(newValue.count == d * nh)
            newValue.withUnsafeBufferPointer { v in
                forEachW1Run { logical, stored, n in
                    (w1.base + stored).update(from: v.baseAddress! + logical, count: n)
                }
            }
            w1SquaresCurrent = false
        }
    }
    public var W2: [T] {
        get { w2.array } set {
            precondition(newValue.count == w2.count)
            w2.base.update(from: newValue, count: w2.count)
        }
    }
    public var learningRate: T
    public var lambda: T
    /// Leave X's exact zeros out of X W1 and Xᵀ G' (the same bits, see `GEMM`); off only to measure.
    /// In X W1 a pixel goes when all 8 examples of a tile are 0 there; in Xᵀ G', an example for each
    /// half of a tile when its 4 pixels there are 0.
    public var skipZeros = true
    /// The products, on the trainer's own threads (`threads` of them, the caller's included).
    let gemm: ParallelGEMM<T>
    /// Threads the products use.
    public var threads: Int { gemm.threads }

    /// Check U1 and U2 for NaN/Inf too, and return before any update when one is not finite.
    /// Then J, U1 and U2 finite and every gradient tile finite mean that every value and gradient
    /// of the step is: W1 and W2 are, for ΣW² is part of J; H = relu(U1); G = (softmax(U2) − onehot)/m
    /// has entries in [−1/m, 1/m] and rows of at most 2/m in absolute sum, so G W2ᵀ, bounded by
    /// 2·max|W2|/m, is finite, and G' with it; the scalars are parts of J. (A breakpoint on
    /// `nonfinite` rests on this: `FusedWatch`.) Costs a pass over U1, except where X is read as
    /// bytes: there J finite bounds U1 (`boundsU1`), and only U2 is checked.
    public var checksValues = false
    /// Sum each gradient's squares as the update is made (`StepResult.gradientSquares`). Those sums
    /// then stand in for the gradients' NaN test: a tile whose sum passes T's range is reported as
    /// not finite too (`GEMMEpilogue.sgd`), which `FusedWatch` settles on the engine.
    public var gradientSquares = false

    // Buffers, sized once for the largest minibatch, each starting on a cache line.
    let w1: AlignedBuffer<T>, w2: AlignedBuffer<T>
    /// Σ gradient² of each gradient tile, with `gradientSquares`: W2's (`squaresW2` of them, laid
    /// out as `GEMMEpilogue.gradSquaresIndex` says), then W1's.
    let tileSquares: AlignedBuffer<T>
    let squaresW2: Int
    /// With `checksValues`: whether each thread's block of U1's columns (the one its product made,
    /// still in its cache) and its rows of U2 were finite: two bytes per thread.
    let valuesFinite: AlignedBuffer<UInt8>
    /// Elements between one thread's block of hidden units and the next in W1, U1, H and G' (one
    /// cache line with several threads, none with one): block b's columns lie b·gap further.
    let gap: Int
    /// The hidden units as they lie in those rows: runs of columns that are stored together, each
    /// with how much further than its logical place it is stored (one run without a gap; else the
    /// threads' non-empty blocks, as the column splits of X W1, G W2ᵀ and Xᵀ G' make them).
    let runs: [(columns: Range<Int>, shift: Int)]
    /// Stored columns of W1: nh and a gap per block.
    let ldw: Int
    let X: AlignedBuffer<T>, labels: AlignedBuffer<T>
    /// A second X, used by every other step when X is filled as floats: both cores read all of X, so
    /// refilling the same buffer at once would take its lines back from the other core.
    let otherX: AlignedBuffer<T>
    var useOtherX = false
    /// Where each row of X starts when it is read from the data set's bytes (see `step(m:images:…)`).
    let rowTable: UnsafeMutablePointer<UnsafePointer<UInt8>>
    let U1: AlignedBuffer<T>, H: AlignedBuffer<T>, G: AlignedBuffer<T>, GPrime: AlignedBuffer<T>
    /// Stored columns of U1, H and G' (nh and a little room; `AlignedBuffer.paddedColumns`): Xᵀ G'
    /// reads G' down its rows, which at 256 Floats a row all fell in 8 of L1's 64 sets. G W2ᵀ's mask
    /// U1 is laid out as G', and H as U1, whose product writes both.
    /// With several threads: nh and a `gap` per block, padded the same way.
    let ldh: Int
    let dW1: AlignedBuffer<T>, dW2: AlignedBuffer<T>
    /// Non-finite flags of the gradient tiles: W2's first, then W1's.
    let flags: AlignedBuffer<UInt8>
    let flagsW2: Int
    /// ΣW1²'s block sums (`Reduce`'s matrix order), then room for its column totals: made by the
    /// epilogue of the product that updates W1, for the next step's J, so no thread reads the other's
    /// columns of W1 to sum them (as a pass over W1 on one thread it cost a two-thread epoch ~7%).
    let w1Squares: AlignedBuffer<T>
    /// Whether `w1Squares` holds the block sums of W1 as it is (not after W1 is set from outside).
    var w1SquaresCurrent = false
    /// Scratch for ΣW2², which is summed as a matrix each step (10 KB: not worth the epilogue).
    let w2Scratch: AlignedBuffer<T>
    /// −log softmax(U2)[label] of each row, made by the thread that owns the row, added in row order.
    let rowLoss: AlignedBuffer<T>

    /// J and J_MLE of the last step (before its update), and where a NaN/Inf first appeared.
    public struct StepResult: Sendable {
        public var J: T
        public var JMLE: T
        public var nonFinite: String?
        /// The engine's probes' readings of this update, in order (none on the fused path).
        public var readings: [TensorPredicate.Reading] = []
        /// The first stopping probe that held: the update was not made.
        public var breakpoint: Int?
        /// With `gradientSquares`: Σ(∇W1 J)² and Σ(∇W2 J)², summed tile by tile as the update was made.
        public var gradientSquares: (W1: Double, W2: Double)?
        /// Whether the update was made (the fused trainer makes it, tile by tile, even when a
        /// gradient is not finite; it makes none when J, or with `checksValues` U1 or U2, is not).
        public var made: Bool { nonFinite == nil || nonFinite!.hasPrefix("∇") }
        public init(J: T, JMLE: T, nonFinite: String?) { self.J = J; self.JMLE = JMLE; self.nonFinite = nonFinite }
    }

    /// A trainer on `threads` threads (1: the caller's alone); results are the same bits for every count.
    public init(d: Int, nh: Int, k: Int, maxBatch: Int, W1: [T], W2: [T], learningRate: T, lambda: T, threads: Int) {
        precondition(W1.count == d * nh && W2.count == nh * k)
        self.d = d; self.nh = nh; self.k = k; self.maxBatch = maxBatch
        w2 = AlignedBuffer(W2); self.learningRate = learningRate; self.lambda = lambda
        gemm = ParallelGEMM(pool: threads > 1 ? WorkerPool(threads: threads) : nil)
        let threads = gemm.threads
        gap = threads > 1 ? 64 / MemoryLayout<T>.stride : 0
        let gap = self.gap
        runs = gap == 0 ? [(0..<nh, 0)]
                        : (0..<threads).map { (ParallelGEMM<T>.block($0, of: threads, extent: nh, unit: T.tileColumns),
                                               $0 * gap) }.filter {
                            !$0.0.isEmpty
                        }
        ldw = nh + threads * gap
        w1 = AlignedBuffer(repeating: 0, count: d * ldw)
        ldh = AlignedBuffer<T>.paddedColumns(nh + threads * gap)
        X = AlignedBuffer(repeating: 0, count: maxBatch * d); otherX = AlignedBuffer(repeating: 0,
            count: maxBatch * d); labels = AlignedBuffer(repeating: 0, count: maxBatch)
        U1 = AlignedBuffer(repeating: 0, count: maxBatch * ldh); H = AlignedBuffer(repeating: 0, count: maxBatch * ldh)
        GPrime = AlignedBuffer(repeating: 0, count: maxBatch * ldh)
        G = AlignedBuffer(repeating: 0, count: maxBatch * k)
        dW1 = AlignedBuffer(repeating: 0, count: d * ldw); dW2 = AlignedBuffer(repeating: 0, count: nh * k)
        func colTiles(_ cols: Int) -> Int { (cols + T.tileColumns - 1) / T.tileColumns }
        func tiles(_ rows: Int, _ cols: Int) -> Int { (rows + 7) / 8 * colTiles(cols) }
        flagsW2 = tiles(nh, k)
        flags = AlignedBuffer(repeating: 0, count: flagsW2 + tiles(d, nh))
        rowTable = .allocate(capacity: maxBatch)
        w1Squares = AlignedBuffer(repeating: 0, count: Reduce.scratchCount(rows: d, cols: nh))
        w2Scratch = AlignedBuffer(repeating: 0, count: Reduce.scratchCount(rows: nh, cols: k))
        rowLoss = AlignedBuffer(repeating: 0, count: maxBatch)
        squaresW2 = GEMMEpilogue<T>.gradSquaresCount(rows: nh, colTiles: colTiles(k))
        tileSquares = AlignedBuffer(repeating: 0, count: squaresW2
                                    + GEMMEpilogue<T>.gradSquaresCount(rows: d, colTiles: colTiles(nh)))
        valuesFinite = AlignedBuffer(repeating: 0, count: 2 * threads)
        self.W1 = W1
    }

    /// `body(logical, stored, count)` for each row's runs of W1: where each starts in a row-major
    /// d×nh W1 and in the trainer's storage.
    func forEachW1Run(_ body: (Int, Int, Int) -> Void) {
        for run in runs { for i in
            0..<d {
                body(i * nh + run.columns.lowerBound, i * ldw + run.columns.lowerBound + run.shift, run.columns.count)
            }
        }
    }

    /// U2 = H W2 for `rows` (into G), on thread t (nil: split as `gemm` chooses): one product per
    /// run of H's columns, each continuing the FMA chains of the one before, so that the sums run
    /// over the hidden units in order, as one product's do (the same bits).
    func makeU2(rows: Range<Int>, m: Int, thread t: Int?) {
        for (r, run) in runs.enumerated() {
            let (a, w) = (H.base + run.columns.lowerBound + run.shift, w2.base + run.columns.lowerBound * k)
            if let t {
                gemm.gemm(thread: t, rows: rows, m: m, n: k, k: run.columns.count, a: a, aCols: ldh, transA: false,
                          b: w, bCols: k, transB: false,
                          c: G.base, accumulate: r > 0)
            } else {
                gemm.gemm(m: m, n: k, k: run.columns.count, a: a, aCols: ldh, transA: false, b: w, bCols: k,
                          transB: false, c: G.base, accumulate: r > 0)
            }
        }
    }
    deinit { rowTable.deallocate(); gemm.pool?.shutdown() }

    /// One minibatch step on `m` examples; `fill` writes X (m×d) and the labels (as T) into the buffers.
    public func step(m: Int, fill: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void) -> StepResult {
        step(m: m, fillRows: { _, x, y in fill(x, y) }, parallelFill: false)
    }

    /// One minibatch step; `fillRows(rows, X, y)` writes those rows of X and y. With `parallelFill`,
    /// each thread fills its own block of rows at once (the closure must allow that).
    /// `prefetch(rows)` runs before the last product, Xᵀ G', on the threads that fill those
    /// rows: a chance to start loading the next minibatch from memory while this step computes.
    public func step(m: Int, fillRows: (Range<Int>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void,
                     parallelFill: Bool = true,
                     prefetch: ((Range<Int>) -> Void)? = nil) -> StepResult {
        precondition(m >= 1 && m <= maxBatch)
        useOtherX.toggle()
        let x = useOtherX ? otherX.base : X.base
        byRows(m, parallel: parallelFill) { fillRows($0, x, labels.base) }
        return step(m: m, x: .strided(StridedOperand(rowMajor: x, cols: d, transposed: false)),
                    xT: .strided(StridedOperand(rowMajor: x, cols: d, transposed: true)), prefetch: prefetch)
    }

    /// One minibatch step that reads X where the data set keeps its images, as bytes: row i of X is
    /// `T(images[examples[i]·d + j]) · scale` for j < d (pass the data set's own scale, so that the
    /// values are those `fillRows` would write). Both products convert the bytes as they pack X, so
    /// no float X is written, and the cores share 100 KB of read-only rows instead of 400 KB of X
    /// that the other core has just written.
    /// `labels(y)` writes the m labels; `prefetch` as above.
    public func step(m: Int, images: UnsafePointer<UInt8>, examples: some Collection<Int>, scale: T,
                     labels fillLabels: (UnsafeMutablePointer<T>) -> Void,
                     prefetch: ((Range<Int>) -> Void)? = nil) -> StepResult {
        precondition(m >= 1 && m <= maxBatch && examples.count == m)
        for (i, e) in examples.enumerated() { rowTable[i] = images + e * d }
        fillLabels(labels.base)
        return step(m: m, x: .bytes(ByteRows(rows: rowTable, scale: scale, transposed: false)),
                    xT: .bytes(ByteRows(rows: rowTable, scale: scale, transposed: true)), prefetch: prefetch,
                    u1Bounded: boundsU1(xMax: 255 * Swift.abs(scale)))
    }

    /// Whether features of at most `xMax` in absolute value keep U1 = X W1 finite whenever J is:
    /// J finite means ΣW1² (a term of J, summed from this W1) is, so each column of W1 has a norm
    /// of at most √max, and by Cauchy–Schwarz |U1ᵢⱼ| ≤ ‖Xᵢ‖‖W1ⱼ‖ ≤ √d·xMax·√max. Below max/4 (room
    /// for the rounding of d terms, a factor (1 + dε) ≈ 1) U1 cannot overflow, and its check is
    /// not needed. Byte images scaled to [0, 1] are far inside: √784 against √max/4 ≈ 5·10¹⁸.
    func boundsU1(xMax: T) -> Bool {
        xMax.isFinite && T(d).squareRoot() * xMax < T.greatestFiniteMagnitude.squareRoot() / 4
    }

    /// The step proper, on X (`x`, m×d) and its transpose (`xT`), the labels being in place.
    /// `u1Bounded`: X is such that U1 is finite whenever J is (`boundsU1`), so `checksValues`
    /// leaves U1 out.
    func step(m: Int, x: AOperand<T>, xT: AOperand<T>, prefetch: ((Range<Int>) -> Void)?,
              u1Bounded: Bool = false) -> StepResult {
        let (d, nh, k, ldh) = (self.d, self.nh, self.k, self.ldh)
        let lam = lambda, lr = learningRate
        let (y, w1, w2) = (labels.base, self.w1.base, self.w2.base)
        let (u1, h, g, gp, dw1, dw2) = (U1.base, H.base, G.base, GPrime.base, dW1.base, dW2.base)
        var result = StepResult(J: 0, JMLE: 0, nonFinite: nil)
        let checks = checksValues, finite = valuesFinite.base
        // Forward: U1 = X W1 (and H = relu(U1) in its epilogue); U2 = H W2 (into g).
        gemm.gemm(m: m, n: nh, k: d, a: x, b: w1, bCols: ldw, transB: false, c: u1, cCols: ldh,
                  epilogue: .reluCopy(out: h),
                  skipZeroA: skipZeros, split: .columns, bShift: gap, cShift: gap)
        // Then, in one hand-off, each thread makes its rows of U2 = H W2 (into g), their softmax, loss
        // and G = (softmax(U2) − onehot(y)) / m in place; the last thread also sums J's weight decay
        // λ(ΣW1² + ΣW2²), ΣW1² folded from the block sums the last update made. J_MLE adds the rows'
        // losses in row order, as `softmaxRows` does.
        let squares = w1Squares.base
        var u7: T = 0
        func decay() {
            let sum1 = w1SquaresCurrent ? T.foldBlocks(squares, rows: d, cols: nh) : w1SumOfSquares()
            u7 = sum1 + T.sumOfSquares(w2, rows: nh, cols: k, scratch: w2Scratch.base)
        }
        let loss = rowLoss.base, gemm = self.gemm, threads = gemm.threads
        func outputs(_ t: Int) {
            let rows = ParallelGEMM<T>.block(t, of: threads, extent: m, unit: 8)
            makeU2(rows: rows, m: m, thread: t)
            if checks {
                // U1's columns as X W1 split them (`.columns`): thread t's block, `gap` further per block.
                let cols = threads > 1 ? ParallelGEMM<T>.block(t, of: threads, extent: nh, unit: T.tileColumns) : 0..<nh
                var ok = true
                if !cols.isEmpty && !u1Bounded {
                    let c0 = u1 + cols.lowerBound + t * gap
                    for i in 0..<m where ok { ok = T.allFinite(c0 + i * ldh, cols.count) }
                }
                finite[2 * t] = ok ? 1 : 0
                finite[2 * t + 1] = T.allFinite(g + rows.lowerBound * k, rows.count * k) ? 1 : 0
            }
            for i in rows { loss[i] = CrossEntropyOp.softmaxRow(g + i * k, label: Int(y[i]), cols: k) }
            CrossEntropyOp.gradientFromSoftmax(g + rows.lowerBound * k, labels: y + rows.lowerBound, rows: rows.count,
                                               cols: k, scale: 1 / T(m))
            if t == threads - 1 { decay() }
        }
        if let pool = gemm.pool, threads > 1 { pool.run(outputs) } else { outputs(0) }
        var total: T = 0
        for i in 0..<m { total += loss[i] }
        let jmle = total / T(m)
        result.JMLE = jmle
        result.J = jmle + lam * u7
        if !result.J.isFinite { result.nonFinite = "J"; return result }
        if checks {
            if (0..<threads).contains(where: { finite[2 * $0] == 0 }) { result.nonFinite = "U1"; return result }
            if (0..<threads).contains(where: { finite[2 * $0 + 1] == 0 }) { result.nonFinite = "U2"; return result }
        }
        let squares2 = gradientSquares ? tileSquares.base : nil
        let squares1 = squares2.map { $0 + squaresW2 }
        // Backward. G' = (G W2ᵀ) ⊙ [U1 > 0] first: it reads W2 before W2 is updated. Then Hᵀ G and
        // Xᵀ G', each updating its weights in the product's epilogue, tile by tile.
        gemm.gemm(m: m, n: nh, k: k, a: g, aCols: k, transA: false, b: w2, bCols: k, transB: true, c: gp, cCols: ldh,
                  epilogue: .reluMask(by: u1),
                  split: .columns, cShift: gap)
        let f = flags.base
        f.update(repeating: 0, count: flags.count)
        let f2 = f, f1 = f + flagsW2
        gemm.gemm(m: nh, n: k, k: m, a: h, aCols: ldh, transA: true, b: g, bCols: k, transB: false, c: dw2,
                  epilogue: .sgd(w: w2, lambda: lam, lr: lr, nonFinite: f2, gradSquares: squares2),
                  split: .rows, aShift: gap)
        // Start loading the next minibatch now, so that its rows are still in cache when the next
        // step reads them (issued right after the forward products, they were pushed out again by Xᵀ G').
        if let prefetch { byRows(m, parallel: true, prefetch) }
        // Split by W1's columns as X W1 is, but a thread done early takes over blocks of 128 rows
        // of W1 that the other has not started: when the host slows one core down, a fixed split
        // would wait for it.
        gemm.gemm(m: d, n: nh, k: m, a: xT, b: gp, bCols: ldh, transB: false, c: dw1, cCols: ldw,
                  epilogue: .sgd(w: w1, lambda: lam, lr: lr, nonFinite: f1,
                                 squares: squares, gradSquares: squares1), skipZeroA: skipZeros,
                  split: .balancedColumns,
                  bShift: gap, cShift: gap)
        w1SquaresCurrent = true
        if (0..<flagsW2).contains(where: { f[$0] != 0 }) { result.nonFinite = "∇W2 J" }
        else if (flagsW2..<flags.count).contains(where: { f[$0] != 0 }) { result.nonFinite = "∇W1 J" }
        if let t = squares2 {
            // Tile by tile in Double: a fixed order, whatever the threads.
            var s2 = 0.0, s1 = 0.0
            for i in 0..<squaresW2 { s2 += Double(t[i]) }
            for i in squaresW2..<tileSquares.count { s1 += Double(t[i]) }
            result.gradientSquares = (W1: s1, W2: s2)
        }
        return result
    }

    /// ΣW1² in `Reduce`'s matrix order, from W1 as stored (after W1 was set from outside).
    func w1SumOfSquares() -> T {
        guard gap > 0 else { return T.sumOfSquares(w1.base, rows: d, cols: nh, scratch: w1Squares.base) }
        let x = dW1.base   // (scratch here: the products never store ∇W1)
        forEachW1Run { logical, stored, n in (x + logical).update(from: w1.base + stored, count: n) }
        return T.sumOfSquares(x, rows: d, cols: nh, scratch: w1Squares.base)
    }

    /// `body(rows)` over 0..<m: one block of rows per thread at once, or all on this thread.
    func byRows(_ m: Int, parallel: Bool, _ body: (Range<Int>) -> Void) {
        guard parallel, let pool = gemm.pool else { body(0..<m); return }
        let threads = pool.count
        pool.run { t in body((m * t / threads)..<(m * (t + 1) / threads)) }
    }

    /// Accuracy on `count` examples, in chunks of at most maxBatch; `fill(start, m, X, y)` writes a chunk
    /// (in any order of its examples: X W1 leaves out zero pixels as in training, so an order that
    /// puts alike examples together is faster).
    public func evaluate(count: Int,
                         fill: (Int, Int, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void) -> Double {
        Double(hits(count: count, fill: fill)) / Double(max(count, 1))
    }

    /// How many of `count` examples the model classifies right (`evaluate`'s count).
    public func hits(count: Int, fill: (Int, Int, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void) -> Int {
        var hits = 0
        var start = 0
        let (x, y, u1, h, g) = (X.base, labels.base, U1.base, H.base, G.base)
        while start < count {
            let m = min(maxBatch, count - start)
            fill(start, m, x, y)
            gemm.gemm(m: m, n: nh, k: d, a: x, aCols: d, transA: false, b: w1.base, bCols: ldw, transB: false, c: u1,
                      cCols: ldh,
                      epilogue: .reluCopy(out: h), skipZeroA: skipZeros, split: .columns, bShift: gap, cShift: gap)
            makeU2(rows: 0..<m, m: m, thread: nil)
            for i in 0..<m {
                var best = 0
                for j in 1..<k where g[i * k + j] > g[i * k + best] { best = j }
                if best == Int(y[i]) { hits += 1 }
            }
            start += m
        }
        return hits
    }
}

