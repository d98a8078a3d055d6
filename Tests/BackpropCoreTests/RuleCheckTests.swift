import Testing
import Foundation
@testable import BackpropCore

/// Each op's backward rule against central finite differences in Double, straight at the rule level:
/// for a random upstream gradient g, f(x) = Σ g ⊙ forward(x) has gradient backward(g, x).
struct RuleCheckTests {
    struct Case { var rule: any OpRule.Type; var shapes: [Shape]; var labelsInput: Int? = nil; var constants: [Double] = [] }

    static let cases: [Case] = [
        Case(rule: MatMulOp.self, shapes: [Shape(3, 4), Shape(4, 5)]),
        Case(rule: MatMulOp.self, shapes: [Shape(1, 1), Shape(1, 2)]),
        Case(rule: ReluOp.self, shapes: [Shape(4, 3)]),
        Case(rule: CrossEntropyOp.self, shapes: [Shape(5, 3), Shape(5, 1)], labelsInput: 1),
        Case(rule: CrossEntropyOp.self, shapes: [Shape(1, 2), Shape(1, 1)], labelsInput: 1),
        Case(rule: SqrOp.self, shapes: [Shape(3, 3)]),
        Case(rule: SumOp.self, shapes: [Shape(2, 5)]),
        Case(rule: SumSqOp.self, shapes: [Shape(3, 4)]),
        Case(rule: AddOp.self, shapes: [Shape(2, 3), Shape(2, 3)]),
        Case(rule: AddOp.self, shapes: [Shape(4, 3), Shape(1, 3)]),
        Case(rule: AddOp.self, shapes: [Shape(1, 2), Shape(5, 2)]),
        Case(rule: ScaleOp.self, shapes: [Shape(3, 2)], constants: [0.37]),
        Case(rule: TanhOp.self, shapes: [Shape(3, 4)]),
        Case(rule: SigmoidOp.self, shapes: [Shape(3, 4)]),
        Case(rule: MSEOp.self, shapes: [Shape(2, 4), Shape(2, 4)]),
        Case(rule: OneHotOp.self, shapes: [Shape(5, 1)], labelsInput: 0, constants: [4]),
        Case(rule: AddReluOp.self, shapes: [Shape(3, 4), Shape(3, 4)]),
        Case(rule: AddReluOp.self, shapes: [Shape(5, 3), Shape(1, 3)]),
        Case(rule: AddReluOp.self, shapes: [Shape(1, 2), Shape(4, 2)]),
    ]

    @Test(arguments: 0..<cases.count)
    func ruleMatchesFiniteDifferences(_ index: Int) {
        let c = Self.cases[index]
        for seed in UInt64(0)..<20 {
            var rng = SeededGenerator(seed: seed &* 7919 &+ UInt64(index))
            var xs: [Matrix<Double>] = c.shapes.enumerated().map { i, s in
                if i == c.labelsInput { return Matrix(rows: s.rows, cols: 1) { _, _ in Double(rng.nextIndex(below: c.shapes[0].cols)) } }
                return Matrix(rows: s.rows, cols: s.cols) { _, _ in rng.nextNormal() }
            }
            // Keep relu inputs away from the kink, as the acceptance asks.
            if c.rule == ReluOp.self {
                xs[0] = xs[0].map { abs($0) < 1e-3 ? $0 + (rng.nextUnit() < 0.5 ? 0.5 : -0.5) : $0 }
            }
            if c.rule == AddReluOp.self {   // the sums, through the full-sized input
                let (f, r) = xs[0].rows >= xs[1].rows ? (0, 1) : (1, 0)
                for i in 0..<xs[f].rows { for j in 0..<xs[f].cols {
                    let u = xs[f][i, j] + xs[r][xs[r].rows == 1 ? 0 : i, j]
                    if abs(u) < 1e-3 { xs[f][i, j] += 0.5 }
                } }
            }
            let y = c.rule.forward(xs, c.constants)
            let g = Matrix<Double>(rows: y.rows, cols: y.cols) { _, _ in rng.nextNormal() }
            func f(_ x: [Matrix<Double>]) -> Double {
                zip(c.rule.forward(x, c.constants).storage, g.storage).reduce(0) { $0 + $1.0 * $1.1 }
            }
            let needs = xs.indices.map { $0 != c.labelsInput }
            let analytic = c.rule.backward(g, xs, y, c.constants, needs: needs)
            #expect(analytic.count == xs.count, "one gradient per input")
            for i in xs.indices where needs[i] {
                let a = analytic[i]!
                #expect(a.shape == xs[i].shape)
                for e in 0..<xs[i].count {
                    var p = xs, q = xs
                    p[i].storage[e] += 1e-6; q[i].storage[e] -= 1e-6
                    let n = (f(p) - f(q)) / 2e-6
                    #expect(agrees(a.storage[e], n), "\(c.rule.name) input \(i) element \(e): analytic \(a.storage[e]) numeric \(n)")
                }
            }
        }
    }

    @Test func reluDerivativeAtZeroIsZero() {
        let g = Matrix<Double>(rows: 1, cols: 3, [1, 1, 1])
        let x = Matrix<Double>(rows: 1, cols: 3, [-1, 0, 1])
        let d = ReluOp.backward(g, [x], ReluOp.forward([x], []), [], needs: [true])[0]!
        #expect(d.storage == [0, 0, 1])
    }

    @Test func crossEntropyIsStableForHugeLogits() {
        for big in [1e4, -1e4] {
            let u = Matrix<Float>(rows: 2, cols: 3, [Float(big), 0, Float(-big), 0, Float(big), 1])
            let y = Matrix<Float>(rows: 2, cols: 1, [1, 1])
            let j = CrossEntropyOp.forward([u, y], []).scalar
            #expect(j.isFinite)
            let g = CrossEntropyOp.backward(Matrix(scalar: 1), [u, y], Matrix(scalar: j), [], needs: [true, false])[0]!
            #expect(g.isFinite)
            // Worked by hand: big > 0: rows cost 1e4 and ≈0; big < 0: rows cost 1e4 and 1e4 + log(1 + e).
            let expected = big > 0 ? 5000 : (2e4 + log(1 + exp(1.0))) / 2
            #expect(abs(Double(j) - expected) < 1e-2)
        }
    }

    @Test func crossEntropyGradientIsSoftmaxMinusOnehotOverM() {
        let u = Matrix<Double>(rows: 2, cols: 2, [0, 0, 1, 3])
        let y = Matrix<Double>(rows: 2, cols: 1, [0, 1])
        let g = CrossEntropyOp.backward(Matrix(scalar: 1), [u, y], Matrix(scalar: 0), [], needs: [true, false])[0]!
        let p = 1 / (1 + exp(2.0))   // softmax([1, 3])[0]
        let expected = [(0.5 - 1) / 2, 0.5 / 2, p / 2, (1 - p - 1) / 2]
        for (a, b) in zip(g.storage, expected) { #expect(abs(a - b) < 1e-15) }
    }
}
