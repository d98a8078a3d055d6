import BackpropKernels

/// Figure 6.11 compiled for training: the engine's rules and kernels, fused, on preallocated buffers.
///
/// One `step` equals the engine's forward pass, its back-propagation and an SGD update, bit for
/// bit (tested), but allocates nothing and makes fewer passes over memory:
/// - `H = relu(U1)` is written by the epilogue of the product that makes U1;
/// - softmax, J_MLE and G come from one pass over U2 (`CrossEntropyOp.softmaxRows`);
/// - `G' = (G W2ᵀ) ⊙ [U1 > 0]` is the epilogue of the product G W2ᵀ;
/// - the weight-decay term 2λW, the sum Xᵀ G' + 2λW and the update W − ε∇W happen in the epilogue
///   of the product that makes the gradient, tile by tile: ∇W never travels to memory.
/// What it keeps between forward and backward is U1, H and G: O(m·n_h).
///
/// With several threads, each owns a block of hidden units for the whole step: its columns of U1,
/// H, G', W1 and ∇W1 and its rows of W2 and ∇W2, so that what a core writes it reads again itself
/// (half the step's traffic crossed cores otherwise, and a step could take twice as long).
public final class FusedTrainer<T: Real>: @unchecked Sendable {
    public let d: Int, nh: Int, k: Int, maxBatch: Int
    public var W1: [T]
    public var W2: [T]
    public var learningRate: T
    public var lambda: T
    public let gemm: ParallelGEMM<T>

    // Buffers, sized once for the largest minibatch.
    public private(set) var X: [T]
    public private(set) var labels: [T]
    var U1: [T], H: [T], G: [T], GPrime: [T], dW1: [T], dW2: [T]
    /// Non-finite flags of the gradient tiles: W2's first, then W1's.
    var flags: [UInt8]
    let flagsW2: Int

    /// J and J_MLE of the last step (before its update), and where a NaN/Inf first appeared.
    public struct StepResult: Sendable { public var J: T; public var JMLE: T; public var nonFinite: String? }

    public init(d: Int, nh: Int, k: Int, maxBatch: Int, W1: [T], W2: [T], learningRate: T, lambda: T, pool: WorkerPool?) {
        precondition(W1.count == d * nh && W2.count == nh * k)
        self.d = d; self.nh = nh; self.k = k; self.maxBatch = maxBatch
        self.W1 = W1; self.W2 = W2; self.learningRate = learningRate; self.lambda = lambda
        gemm = ParallelGEMM(pool: pool)
        X = .init(repeating: 0, count: maxBatch * d); labels = .init(repeating: 0, count: maxBatch)
        U1 = .init(repeating: 0, count: maxBatch * nh); H = U1; GPrime = U1
        G = .init(repeating: 0, count: maxBatch * k)
        dW1 = .init(repeating: 0, count: d * nh); dW2 = .init(repeating: 0, count: nh * k)
        func tiles(_ rows: Int, _ cols: Int) -> Int { (rows + 7) / 8 * ((cols + T.tileColumns - 1) / T.tileColumns) }
        flagsW2 = tiles(nh, k)
        flags = .init(repeating: 0, count: flagsW2 + tiles(d, nh))
    }

    /// One minibatch step on `m` examples; `fill` writes X (m×d) and the labels (as T) into the buffers.
    public func step(m: Int, fill: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void) -> StepResult {
        step(m: m, fillRows: { _, x, y in fill(x, y) }, parallelFill: false)
    }

    /// One minibatch step; `fillRows(rows, X, y)` writes those rows of X and y. With `parallelFill`,
    /// each thread fills its own block of rows at once (the closure must allow that).
    public func step(m: Int, fillRows: (Range<Int>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void, parallelFill: Bool = true) -> StepResult {
        precondition(m >= 1 && m <= maxBatch)
        let (d, nh, k) = (self.d, self.nh, self.k)
        let lam = lambda, lr = learningRate
        X.withUnsafeMutableBufferPointer { x in labels.withUnsafeMutableBufferPointer { y in
            let (xp, yp) = (x.baseAddress!, y.baseAddress!)
            if parallelFill, let pool = gemm.pool {
                let threads = pool.count
                pool.run { t in fillRows((m * t / threads)..<(m * (t + 1) / threads), xp, yp) }
            } else {
                fillRows(0..<m, xp, yp)
            }
        } }
        var result = StepResult(J: 0, JMLE: 0, nonFinite: nil)
        X.withUnsafeBufferPointer { x in labels.withUnsafeBufferPointer { y in
        W1.withUnsafeMutableBufferPointer { w1 in W2.withUnsafeMutableBufferPointer { w2 in
        U1.withUnsafeMutableBufferPointer { u1 in H.withUnsafeMutableBufferPointer { h in
        G.withUnsafeMutableBufferPointer { g in GPrime.withUnsafeMutableBufferPointer { gp in
        dW1.withUnsafeMutableBufferPointer { dw1 in dW2.withUnsafeMutableBufferPointer { dw2 in
            let (x, y, w1, w2) = (x.baseAddress!, y.baseAddress!, w1.baseAddress!, w2.baseAddress!)
            let (u1, h, g, gp, dw1, dw2) = (u1.baseAddress!, h.baseAddress!, g.baseAddress!, gp.baseAddress!, dw1.baseAddress!, dw2.baseAddress!)
            // Forward: U1 = X W1 (and H = relu(U1) in its epilogue); U2 = H W2 (into g).
            gemm.gemm(m: m, n: nh, k: d, a: x, aCols: d, transA: false, b: w1, bCols: nh, transB: false, c: u1, epilogue: .reluCopy(out: h), split: .columns)
            gemm.gemm(m: m, n: k, k: nh, a: h, aCols: nh, transA: false, b: w2, bCols: k, transB: false, c: g)
            // J_MLE and G = (softmax(U2) − onehot(y)) / m in place; J adds λ(ΣW1² + ΣW2²) as the graph does.
            let jmle = CrossEntropyOp.softmaxRows(g, labels: y, rows: m, cols: k) / T(m)
            CrossEntropyOp.gradientFromSoftmax(g, labels: y, rows: m, cols: k, scale: 1 / T(m))
            let u7 = T.sumOfSquares(w1, d * nh) + T.sumOfSquares(w2, nh * k)
            result.JMLE = jmle
            result.J = jmle + lam * u7
            if !result.J.isFinite { result.nonFinite = "J"; return }
            // Backward. G' = (G W2ᵀ) ⊙ [U1 > 0] first: it reads W2 before W2 is updated. Then Hᵀ G and
            // Xᵀ G', each updating its weights in the product's epilogue, tile by tile.
            gemm.gemm(m: m, n: nh, k: k, a: g, aCols: k, transA: false, b: w2, bCols: k, transB: true, c: gp, epilogue: .reluMask(by: u1), split: .columns)
            flags.withUnsafeMutableBufferPointer { f in
                f.update(repeating: 0)
                let f2 = f.baseAddress!, f1 = f.baseAddress! + flagsW2
                gemm.gemm(m: nh, n: k, k: m, a: h, aCols: nh, transA: true, b: g, bCols: k, transB: false, c: dw2,
                          epilogue: .sgd(w: w2, lambda: lam, lr: lr, nonFinite: f2), split: .rows)
                gemm.gemm(m: d, n: nh, k: m, a: x, aCols: d, transA: true, b: gp, bCols: nh, transB: false, c: dw1,
                          epilogue: .sgd(w: w1, lambda: lam, lr: lr, nonFinite: f1), split: .columns)
                if f[0..<flagsW2].contains(1) { result.nonFinite = "∇W2 J" } else if f[flagsW2...].contains(1) { result.nonFinite = "∇W1 J" }
            }
        } } } } } } } } } }
        return result
    }

    /// Accuracy on `count` examples, in chunks of at most maxBatch; `fill(start, m, X, y)` writes a chunk.
    public func evaluate(count: Int, fill: (Int, Int, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void) -> Double {
        var hits = 0
        var start = 0
        while start < count {
            let m = min(maxBatch, count - start)
            X.withUnsafeMutableBufferPointer { x in labels.withUnsafeMutableBufferPointer { y in fill(start, m, x.baseAddress!, y.baseAddress!) } }
            X.withUnsafeBufferPointer { x in labels.withUnsafeBufferPointer { y in
            W1.withUnsafeBufferPointer { w1 in W2.withUnsafeBufferPointer { w2 in
            U1.withUnsafeMutableBufferPointer { u1 in H.withUnsafeMutableBufferPointer { h in G.withUnsafeMutableBufferPointer { g in
                let (x, y, g) = (x.baseAddress!, y.baseAddress!, g.baseAddress!)
                gemm.gemm(m: m, n: nh, k: d, a: x, aCols: d, transA: false, b: w1.baseAddress!, bCols: nh, transB: false,
                          c: u1.baseAddress!, epilogue: .reluCopy(out: h.baseAddress!))
                gemm.gemm(m: m, n: k, k: nh, a: h.baseAddress!, aCols: nh, transA: false, b: w2.baseAddress!, bCols: k, transB: false, c: g)
                for i in 0..<m {
                    var best = 0
                    for j in 1..<k where g[i * k + j] > g[i * k + best] { best = j }
                    if best == Int(y[i]) { hits += 1 }
                }
            } } } } } } }
            start += m
        }
        return Double(hits) / Double(max(count, 1))
    }
}
