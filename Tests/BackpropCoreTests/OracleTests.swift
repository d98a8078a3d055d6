import TestSupport
import Testing
import Foundation
@testable import BackpropCore
import PlainLoopOracle

struct OracleTests {
    @Test func oneStepMatchesThePlainLoopReference() throws {
        let p = Problem(seed: 7, m: 6, d: 5, nh: 7, k: 4, lambda: 0.003)
        func rows(_ m: Matrix<Double>) -> [[Double]] { (0..<m.rows).map { i in (0..<m.cols).map { m[i, $0] } } }
        let ref = PlainLoopReference(X: rows(p.bindings["X"]!), W1: rows(p.bindings["W1"]!), W2: rows(p.bindings["W2"]!),
                                     y: p.bindings["y"]!.storage.map { Int($0) }, lambda: p.lambda, lr: 0.1).run()
        let e = p.engine()
        var s = try e.start(p.bindings)
        try e.run(&s)
        for q in Quantity.allCases {
            let ours = q.value(in: s, engine: e)!
            let theirs = ref[q.rawValue]!
            #expect(ours.rows == theirs.count && ours.cols == theirs[0].count, "\(q)")
            let scale = theirs.joined().map(abs).max()!
            for i in 0..<ours.rows { for j in 0..<ours.cols {
                #expect(abs(ours[i, j] - theirs[i][j]) <= 1e-12 * max(scale, 1e-300), "\(q)[\(i),\(j)] \(ours[i, j]) vs \(theirs[i][j])")
            } }
        }
        // And the SGD update.
        var W1 = p.bindings["W1"]!
        SGD.update(&W1, gradient: Quantity.gradW1.value(in: s, engine: e)!, learningRate: 0.1)
        for i in 0..<W1.rows { for j in 0..<W1.cols { #expect(abs(W1[i, j] - ref["W1'"]![i][j]) <= 1e-12 * abs(ref["W1'"]![i][j]) + 1e-15) } }
    }
}

struct TrainingPiecesTests {
    @Test func initialisersAreSeededAndScaled() {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let w1: Matrix<Float> = Initializer.he.weights(fanIn: 400, fanOut: 300, rng: &a)
        let w2: Matrix<Float> = Initializer.he.weights(fanIn: 400, fanOut: 300, rng: &b)
        #expect(w1.bitwiseEqual(w2))
        let variance = w1.storage.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(w1.count)
        #expect(abs(variance - 2.0 / 400) < 0.05 * 2.0 / 400)
        let g: Matrix<Double> = Initializer.glorot.weights(fanIn: 100, fanOut: 50, rng: &a)
        let bound = (6.0 / 150).squareRoot()
        #expect(g.storage.allSatisfy { abs($0) <= bound })
        #expect(g.summary.max > 0.9 * bound && g.summary.min < -0.9 * bound)
    }

    @Test func generatorIsDeterministicAndResumable() {
        var a = SeededGenerator(seed: 1)
        for _ in 0..<10 { _ = a.next() }
        var b = SeededGenerator(state: a.words)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
        #expect(SeededGenerator(seed: 1).words != SeededGenerator(seed: 2).words)
    }

    @Test func accuracyTakesTheArgmax() {
        let logits = Matrix<Float>(rows: 3, cols: 3, [1, 2, 0, 5, 1, 1, 0, 0, 0])
        #expect(Accuracy.of(logits: logits, labels: [1, 0, 2]) == 2.0 / 3)
    }

    @Test func spiralIsDeterministicWithAConstantFeature() {
        let a = Spiral.generate(), b = Spiral.generate()
        #expect(a.features == b.features && a.labels == b.labels)
        #expect(a.features.count == 600 * 3 && Set(a.labels) == [0, 1, 2])
        #expect(stride(from: 2, to: a.features.count, by: 3).allSatisfy { a.features[$0] == 1 })
    }
}
