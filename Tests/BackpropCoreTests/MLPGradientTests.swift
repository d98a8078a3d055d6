import Foundation
import PlainLoopOracle
import Testing
@testable import BackpropCore

/// Random MLPs written in the graph language (depth 1 to 3, with and without biases, relu, tanh
/// or sigmoid, with and without weight decay): the engine's gradients agree with an independent
/// plain-loop oracle to 1e-10 and with central finite differences in float64.
struct MLPGradientTests {
    struct Case: CustomStringConvertible {
        var depth: Int, biases: Bool, activation: PlainLoopMLP.Activation, lambda: Double, seed: UInt64
        var description: String { "depth \(depth), \(biases ? "biases" : "no biases"), \(activation), λ \(lambda)" }
    }

    static let cases: [Case] = (0..<36).map { i in
        Case(depth: 1 + i % 3, biases: (i / 3) % 2 == 1, activation: PlainLoopMLP.Activation.allCases[(i / 6) % 3],
             lambda: i / 18 == 0 ? 0 : 1e-2, seed: UInt64(i))
    }

    @Test(arguments: 0..<cases.count)
    func gradientsAgree(_ index: Int) throws {
        let c = Self.cases[index]
        var rng = SeededGenerator(seed: 4000 + c.seed)
        let (m, d, h, k) = (5 + rng.nextIndex(below: 3), 2 + rng.nextIndex(below: 3), 3 + rng.nextIndex(below: 3),
                            2 + rng.nextIndex(below: 3))
        func matrix(_ r: Int, _ cols: Int) -> [[Double]] { (0..<r).map { _ in (0..<cols).map { _ in rng.nextNormal() } } }
        var layers: [PlainLoopMLP.Layer] = []
        for l in 0..<c.depth {
            let (rows, cols) = (l == 0 ? d : h, l == c.depth - 1 ? k : h)
            layers.append(.init(W: matrix(rows, cols), b: c.biases ? (0..<cols).map { _ in 0.5 * rng.nextNormal() } : nil))
        }
        let X = matrix(m, d), y = (0..<m).map { _ in rng.nextIndex(below: k) }
        let oracle = PlainLoopMLP(layers: layers, activation: c.activation, lambda: c.lambda)
        let graph = try Graph(parsing: oracle.graphText)
        #expect(graph.trainingProblem == nil, "\(c)")
        let engine = try Engine<Double>(graph: graph, constants: ["λ": c.lambda])
        func m2(_ a: [[Double]]) -> Matrix<Double> { Matrix(rows: a.count, cols: a[0].count) { a[$0][$1] } }
        var bindings = ["X": m2(X), "y": Matrix(rows: m, cols: 1) { i, _ in Double(y[i]) }]
        for (l, layer) in layers.enumerated() {
            bindings["W\(l + 1)"] = m2(layer.W)
            if let b = layer.b { bindings["b\(l + 1)"] = m2([b]) }
        }
        // The shapes the graph declares are the ones bound.
        let shapes = graph.parameterShapes(d: d, k: k, h: h)
        #expect(shapes.allSatisfy { bindings[$0.name]?.shape == $0.shape }, "\(c): \(listing(shapes))")
        var s = try engine.start(bindings)
        try engine.run(&s)
        let expected = oracle.gradients(X: X, y: y)
        let J = s.values[graph.loss]!.scalar
        #expect(abs(J - expected.J) <= 1e-12 * max(1, abs(J)), "\(c): J \(J) vs \(expected.J)")
        func close(_ a: Matrix<Double>, _ b: [[Double]], _ what: String) {
            let scale = max(1e-300, b.joined().map(abs).max() ?? 0)
            let worst = zip(a.storage, b.joined()).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-10 * max(1, scale), "\(c): \(what) differs by \(worst)")
        }
        for l in layers.indices {
            close(s.grads[graph.id("W\(l + 1)")!]!, expected.W[l], "∇W\(l + 1)")
            if let b = expected.b[l] { close(s.grads[graph.id("b\(l + 1)")!]!, [b], "∇b\(l + 1)") }
        }
        // Central differences of J in float64 for every parameter entry.
        let misfits = try finiteDifferenceMisfits(engine, bindings, s)
        #expect(misfits.isEmpty, "\(c): \(misfits.prefix(3))")
    }
}
