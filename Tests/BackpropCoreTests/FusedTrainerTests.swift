import TestSupport
import Testing
import BackpropKernels
@testable import BackpropCore

struct FusedTrainerTests {
    /// One fused step against the engine's step list plus `SGD.update`, compared bit for bit.
    /// `sparse`: X is zero in runs of pixels as images are (8 and 4 long: whole and half panels of
    /// Xᵀ in Xᵀ G'), and at some pixels for whole tiles of 8 examples (and −0 here and there), so
    /// that the fused trainer's skipping of zero terms in X W1 and Xᵀ G' is exercised; the engine's
    /// products are dense.
    /// `bytes`: X is read as bytes by the products (`step(m:images:…)`), example i being a row of a
    /// larger image array (scattered, in a scrambled order) and the engine getting its converted values.
    /// A second step on the same minibatch is compared as well: its J takes ΣW1² from the block sums
    /// that the first step's update made (`GEMMEpilogue.sgd`'s `squares`), not from a pass over W1.
    func check<T: Real>(_: T.Type, m: Int, d: Int, nh: Int, k: Int, threads: Int, seed: UInt64, sparse: Bool = false, bytes: Bool = false) throws {
        var rng = SeededGenerator(seed: seed)
        let examples = (0..<m).map { 2 * (m - 1 - $0) + 1 }
        var images = [UInt8](repeating: 0, count: bytes ? (2 * m + 1) * d : 0)
        let scale: T = 1 / 255
        let X = Matrix<T>(rows: m, cols: d) { i, j in
            let byte = bytes ? UInt8(1 + rng.nextIndex(below: 255)) : 0
            let v = bytes ? T(byte) * scale : T(rng.nextUnit())
            func zero(_ negative: Bool) -> T { negative && !bytes ? -0.0 : 0 }
            if sparse {
                if (j / 8 + i / 5) % 3 == 0 { return zero((i + j) % 7 == 0) }       // whole 8-pixel runs of zeros
                if (j / 4 + i / 3) % 5 == 0 { return 0 }                            // 4-pixel runs: half an Xᵀ panel
                if j % 5 == 1 && i / 8 % 2 == 0 { return zero((i * j) % 11 == 0) }  // pixels 0 for whole 8-row tiles
                if rng.nextUnit() < 0.4 { return 0 }                                // and scattered zeros
            }
            if bytes { images[examples[i] * d + j] = byte }
            return v
        }
        let y = Matrix<T>(rows: m, cols: 1) { _, _ in T(rng.nextIndex(below: k)) }
        let W1: Matrix<T> = Initializer.he.weights(fanIn: d, fanOut: nh, rng: &rng)
        let W2: Matrix<T> = Initializer.glorot.weights(fanIn: nh, fanOut: k, rng: &rng)
        let lambda: T = 1e-3, lr: T = 0.1

        let e = try Engine<T>(graph: Figure611.graph, constants: ["λ": lambda])
        /// The engine's step from W1, W2: its state after back-propagation and the updated weights.
        func engineStep(_ W1: Matrix<T>, _ W2: Matrix<T>) throws -> (EngineState<T>, Matrix<T>, Matrix<T>) {
            var s = try e.start(["X": X, "y": y, "W1": W1, "W2": W2])
            try e.run(&s)
            var eW1 = W1, eW2 = W2
            SGD.update(&eW1, gradient: Quantity.gradW1.value(in: s, engine: e)!, learningRate: lr)
            SGD.update(&eW2, gradient: Quantity.gradW2.value(in: s, engine: e)!, learningRate: lr)
            return (s, eW1, eW2)
        }

        let f = FusedTrainer<T>(d: d, nh: nh, k: k, maxBatch: m + 3, W1: W1.storage, W2: W2.storage, learningRate: lr, lambda: lambda, threads: threads)
        func fusedStep() -> FusedTrainer<T>.StepResult {
            if bytes {
                return images.withUnsafeBufferPointer { ip in
                    f.step(m: m, images: ip.baseAddress!, examples: examples, scale: scale, labels: { yp in yp.update(from: y.storage, count: m) })
                }
            }
            // Filled as training fills: each thread its own rows.
            return f.step(m: m, fillRows: { rows, xp, yp in
                for i in rows {
                    for j in 0..<d { xp[i * d + j] = X.storage[i * d + j] }
                    yp[i] = y.storage[i]
                }
            })
        }
        var (eW1, eW2) = (W1, W2)
        for step in 1...2 {
            let (s, nextW1, nextW2) = try engineStep(eW1, eW2)
            (eW1, eW2) = (nextW1, nextW2)
            let r = fusedStep()
            let what = "\(T.self) m=\(m) d=\(d) nh=\(nh) k=\(k) threads=\(threads) bytes=\(bytes) step \(step)"
            #expect(r.nonFinite == nil)
            #expect(r.J.bitPattern == Quantity.J.value(in: s, engine: e)!.scalar.bitPattern, "J \(what)")
            #expect(r.JMLE.bitPattern == Quantity.JMLE.value(in: s, engine: e)!.scalar.bitPattern, "J_MLE \(what)")
            #expect(Matrix(rows: d, cols: nh, f.W1).bitwiseEqual(eW1), "W1 \(what)")
            #expect(Matrix(rows: nh, cols: k, f.W2).bitwiseEqual(eW2), "W2 \(what)")
        }
        // Weights set from outside: J sums them anew, not the block sums of the last update.
        f.W1 = W1.storage; f.W2 = W2.storage
        let (s0, _, _) = try engineStep(W1, W2)
        #expect(fusedStep().J.bitPattern == Quantity.J.value(in: s0, engine: e)!.scalar.bitPattern, "J after W1 was set")
    }

    @Test(arguments: [1, 2])
    func fusedStepEqualsEngineStepBitForBit(threads: Int) throws {
        try check(Float.self, m: 128, d: 784, nh: 256, k: 10, threads: threads, seed: 1)
        try check(Float.self, m: 13, d: 37, nh: 21, k: 3, threads: threads, seed: 2)
        try check(Float.self, m: 1, d: 3, nh: 1, k: 2, threads: threads, seed: 3)
        try check(Double.self, m: 96, d: 100, nh: 70, k: 10, threads: threads, seed: 4)
        try check(Double.self, m: 5, d: 3, nh: 8, k: 3, threads: threads, seed: 5)
        try check(Float.self, m: 128, d: 784, nh: 256, k: 10, threads: threads, seed: 6, sparse: true)
        try check(Float.self, m: 37, d: 61, nh: 19, k: 4, threads: threads, seed: 7, sparse: true)
        try check(Double.self, m: 24, d: 50, nh: 40, k: 10, threads: threads, seed: 8, sparse: true)
    }

    @Test(arguments: [1, 2])
    func stepOnByteRowsEqualsEngineStepBitForBit(threads: Int) throws {
        try check(Float.self, m: 128, d: 784, nh: 256, k: 10, threads: threads, seed: 21, sparse: true, bytes: true)
        try check(Float.self, m: 128, d: 784, nh: 256, k: 10, threads: threads, seed: 22, bytes: true)
        try check(Float.self, m: 37, d: 61, nh: 19, k: 4, threads: threads, seed: 23, sparse: true, bytes: true)
        try check(Float.self, m: 1, d: 3, nh: 1, k: 2, threads: threads, seed: 24, bytes: true)
        try check(Double.self, m: 24, d: 50, nh: 40, k: 10, threads: threads, seed: 25, sparse: true, bytes: true)
    }

    /// The skipping of zero terms is the only difference to the dense product, and gives its bits.
    @Test(arguments: [1, 2])
    func skippingXsZerosChangesNoBit(threads: Int) {
        var rng = SeededGenerator(seed: 9)
        let (d, nh, k, m) = (784, 256, 10, 128)
        // Zero in runs of 8 pixels (Xᵀ G' tiles), at a third of the pixels for the first 96 examples
        // (X W1 tiles), and scattered.
        let X = (0..<(m * d)).map { i in
            (i / 8 + i / 3000) % 2 == 0 || (i / d < 96 && i % d % 3 == 0) || rng.nextUnit() < 0.3 ? Float(0) : Float(rng.nextUnit())
        }
        let labels = (0..<m).map { _ in Float(rng.nextIndex(below: k)) }
        let W1: Matrix<Float> = Initializer.he.weights(fanIn: d, fanOut: nh, rng: &rng)
        let W2: Matrix<Float> = Initializer.he.weights(fanIn: nh, fanOut: k, rng: &rng)
        func train(skip: Bool) -> ([Float], [Float]) {
            let f = FusedTrainer<Float>(d: d, nh: nh, k: k, maxBatch: m, W1: W1.storage, W2: W2.storage, learningRate: 0.1, lambda: 1e-4, threads: threads)
            f.skipZeros = skip
            for _ in 0..<3 { _ = f.step(m: m) { xp, yp in xp.update(from: X, count: m * d); yp.update(from: labels, count: m) } }
            return (f.W1, f.W2)
        }
        let dense = train(skip: false), skipped = train(skip: true)
        func differing(_ a: [Float], _ b: [Float]) -> Int { zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count }
        #expect(differing(dense.0, skipped.0) == 0, "W1 entries that differ")
        #expect(differing(dense.1, skipped.1) == 0, "W2 entries that differ")
        #expect(dense.0 != W1.storage, "the weights moved")
    }

    /// Accuracy from the fused forward pass (zeros left out, each chunk filled in a scrambled order)
    /// equals the one from plain matrix products and an argmax, and does not depend on the order.
    @Test(arguments: [1, 2])
    func evaluationMatchesPlainProducts(threads: Int) {
        var rng = SeededGenerator(seed: 12)
        let (d, nh, k, n, chunk) = (61, 40, 5, 300, 32)
        let X = Matrix<Float>(rows: n, cols: d) { i, j in (j / 4 + i / 3) % 3 == 0 || rng.nextUnit() < 0.3 ? 0 : Float(rng.nextUnit()) }
        let W1: Matrix<Float> = Initializer.he.weights(fanIn: d, fanOut: nh, rng: &rng)
        let W2: Matrix<Float> = Initializer.he.weights(fanIn: nh, fanOut: k, rng: &rng)
        let scores = X.matmul(W1).map { max($0, 0) }.matmul(W2)
        let predicted = (0..<n).map { i in (0..<k).max { scores[i, $0] < scores[i, $1] }! }
        // Labels that agree with the predictions on about 60% of the examples.
        let labels = (0..<n).map { rng.nextUnit() < 0.6 ? predicted[$0] : rng.nextIndex(below: k) }
        let expected = Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(n)
        let f = FusedTrainer<Float>(d: d, nh: nh, k: k, maxBatch: chunk, W1: W1.storage, W2: W2.storage, learningRate: 0.1, lambda: 0, threads: threads)
        for scramble in [false, true] {
            let acc = f.evaluate(count: n) { start, m, x, y in
                for r in 0..<m {
                    let i = start + (scramble ? (r * 7 + 3) % m : r)   // 7 is prime to every m here
                    for j in 0..<d { x[r * d + j] = X[i, j] }
                    y[r] = Float(labels[i])
                }
            }
            #expect(acc == expected, "scrambled \(scramble)")
        }
        #expect(expected > 0.4 && expected < 0.9)
    }

    @Test func threadCountDoesNotChangeTheBits() {
        func train(_ threads: Int) -> ([Float], [Float]) {
            var rng = SeededGenerator(seed: 11)
            let (d, nh, k, m) = (300, 130, 10, 64)
            let data = (0..<(m * d * 5)).map { _ in Float(rng.nextUnit()) }
            let labels = (0..<(m * 5)).map { _ in Float(rng.nextIndex(below: k)) }
            let W1: Matrix<Float> = Initializer.he.weights(fanIn: d, fanOut: nh, rng: &rng)
            let W2: Matrix<Float> = Initializer.he.weights(fanIn: nh, fanOut: k, rng: &rng)
            let f = FusedTrainer<Float>(d: d, nh: nh, k: k, maxBatch: m, W1: W1.storage, W2: W2.storage, learningRate: 0.1, lambda: 1e-4, threads: threads)
            for b in 0..<5 {
                _ = f.step(m: m) { xp, yp in
                    for i in 0..<(m * d) { xp[i] = data[b * m * d + i] }
                    for i in 0..<m { yp[i] = labels[b * m + i] }
                }
            }
            return (f.W1, f.W2)
        }
        let one = train(1), two = train(2), three = train(3)
        #expect(one.0.map(\.bitPattern) == two.0.map(\.bitPattern) && one.1.map(\.bitPattern) == two.1.map(\.bitPattern))
        #expect(one.0.map(\.bitPattern) == three.0.map(\.bitPattern))
    }

    @Test func divergenceIsReportedWithTheTensor() {
        let f = FusedTrainer<Float>(d: 2, nh: 2, k: 2, maxBatch: 2, W1: [1, 2, 3, 4], W2: [1, 0, 0, 1], learningRate: 0.1, lambda: 0, threads: 1)
        // An infinite input makes U2 = ∞·1 + ∞·0 = NaN: J is the first non-finite tensor; nothing is updated.
        var r = f.step(m: 2) { x, y in x[0] = .infinity; x[1] = 1; x[2] = 1; x[3] = 1; y[0] = 0; y[1] = 1 }
        #expect(r.nonFinite == "J")
        #expect(f.W1 == [1, 2, 3, 4], "no update after a non-finite J")
        // A NaN input is zeroed by relu on the way forward (J stays finite) but reaches ∇W1 J = Xᵀ G'.
        r = f.step(m: 2) { x, y in x[0] = .nan; x[1] = 1; x[2] = 1; x[3] = 1; y[0] = 0; y[1] = 1 }
        #expect(r.J.isFinite)
        #expect(r.nonFinite == "∇W1 J")
    }
}
