import BackpropCore
import BackpropData
import BackpropIO
import Foundation
import Testing
@testable import BackpropTraining

/// The example graphs in `Graphs/`: each parses and passes the training checks, its gradients
/// agree with central differences on a minibatch of the spirals, and it learns on the one loop.
@Suite struct GraphFilesTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Graphs")
    /// Each file, its learning rate, and the training accuracy it must pass on the spirals (chance
    /// is 1/3; a linear model cannot separate spirals, so softmax regression only has to beat chance).
    static let files: [(String, Double, Double)] = [("figure-6.11", 1, 0.9), ("with-biases", 1, 0.9),
                                                    ("two-hidden-layers", 1, 0.7), ("softmax-regression", 1, 0.45),
                                                    ("tanh-mse", 0.3, 0.8)]

    func graph(_ name: String) throws -> Graph {
        try Graph(parsing: String(contentsOf: Self.directory.appendingPathComponent(name + ".txt"), encoding: .utf8))
    }

    @Test func everyFileIsTested() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }
        #expect(Set(present) == Set(Self.files.map(\.0)))
        // The book's graph from its file is the built-in one (so it keeps the fused path).
        #expect(try graph("figure-6.11") == Figure611.graph)
    }

    @Test(arguments: files.map(\.0))
    func gradientsAgreeWithFiniteDifferences(_ name: String) throws {
        let g = try graph(name)
        #expect(g.trainingProblem == nil)
        let data = try DataSource.load("spiral", precision: .float64).train
        var rng = SeededGenerator(seed: 17)
        let rows = (0..<6).map { _ in rng.nextIndex(below: data.count) }
        let (X, y): (Matrix<Double>, Matrix<Double>) = data.matrix(rows: rows)
        var bindings = ["X": X, "y": y]
        for p in g.parameterShapes(d: data.d, k: data.classes, h: 5) {
            bindings[p.name] = Matrix(rows: p.shape.rows, cols: p.shape.cols) { _, _ in rng.nextNormal() }
        }
        let e = try Engine<Double>(graph: g, constants: ["λ": 0.01, "k": Double(data.classes)])
        var s = try e.start(bindings)
        try e.run(&s)
        let misfits = try finiteDifferenceMisfits(e, bindings, s)
        #expect(misfits.isEmpty, "\(name): \(misfits.prefix(3))")
    }

    /// `nonfinite`, read as an executor reads it (leaving out what sums of squares, sums, relu and
    /// add vouch for, and what a finite norm has shown), still finds a NaN or ±Inf planted at any
    /// value or gradient of every graph file, as written and with its sums of squares fused.
    @Test(arguments: files.map(\.0))
    func nonfiniteFindsAFaultPlantedAnywhere(_ name: String) throws {
        let data = try DataSource.load("spiral", precision: .float64).train
        var rng = SeededGenerator(seed: 23)
        let (X, y): (Matrix<Double>, Matrix<Double>) = data.matrix(rows: (0..<6).map { $0 * 7 })
        for g in [try graph(name), try graph(name).fusingSumsOfSquares()] {
            var bindings = ["X": X, "y": y]
            let params = g.parameterShapes(d: data.d, k: data.classes, h: 5)
            for p in params { bindings[p.name] = Matrix(rows: p.shape.rows, cols: p.shape.cols) { _, _ in rng.nextNormal() } }
            let e = try Engine<Double>(graph: g, constants: ["λ": 0.01, "k": Double(data.classes)])
            let probes = [try TensorPredicate("nonfinite", graph: g),
                          try TensorPredicate("norm(grad_\(params[0].name)) > 1e9", graph: g)]
            let known = Set([g.id("y")!])
            func read(_ s: EngineState<Double>) -> Bool {
                TensorPredicate.readings(probes, values: s.values, grads: s.grads, graph: g, known: known)[0].holds
            }
            var clean = try e.start(bindings)
            try e.run(&clean)
            #expect(read(clean) == false, "\(name): all finite")
            func planted(_ v: Int, gradient: Bool, _ bad: Double) throws -> EngineState<Double> {
                try BackpropCoreTests.planted(e, bindings, node: v, gradient: gradient, bad, entry: 1)
            }
            for bad in [Double.nan, .infinity, -.infinity] {
                for v in g.order where g.nodes[v].name != "y" {
                    #expect(read(try planted(v, gradient: false, bad)), "\(name): \(bad) in \(g.nodes[v].name)")
                    if e.needsGrad[v] {
                        #expect(read(try planted(v, gradient: true, bad)), "\(name): \(bad) in grad_\(g.nodes[v].name)")
                    }
                }
            }
        }
    }

    @Test(arguments: files)
    func learnsOnTheSpirals(_ file: (String, Double, Double)) throws {
        let src = try DataSource.load("spiral", precision: .float32)
        let c = LoopSettings(hidden: 32, batchSize: 32, lr: file.1, lambda: 1e-3, seed: 5, rng: .numpy, threads: 1)
        var loop = try TrainingLoop<Float>(graph: try graph(file.0), train: src.train, test: src.test, settings: c)
        var last: LoopEvent.Accuracy?
        while loop.state.epoch < 30 || loop.state.isMeasuring {
            switch loop.advance() {
            case .measured(let a, _): last = a
            case .diverged, .failed: Issue.record("\(file.0) diverged"); return
            default: break
            }
        }
        let acc = try #require(last?.train)
        #expect(acc >= file.2, "\(file.0): train accuracy \(acc) after 30 epochs")
    }
}
