import BackpropCore
import BackpropData
import BackpropTraining

extension ExplorerState {
    /// A fresh exploration (weights drawn as `--batch` draws them), or one from `start`: the loop of
    /// a checkpoint (`--resume`) or of weights (`--init`) in the config's precision. Position 0 of
    /// the loop's next minibatch.
    public init(config: ExplorerConfig, train: Dataset, test: Dataset?, threads: Int = 1,
                start: AnyTrainingLoop? = nil) throws(EvalError) {
        self.config = config; self.train = train; self.test = test
        if let text = config.graph {
            do throws(ExplorerError) { graph = try ExplorerConfig.graph(from: text) } catch {
                throw EvalError.invalidValue(node: "graph", text: "--graph", message: error.message)
            }
        } else { graph = Figure611.graph }
        let settings = config.settings(threads: threads)
        if let start { run = start } else {
            switch config.precision {
            case .float32: run = .float32(try TrainingLoop(graph: graph, train: train, test: test, settings: settings))
            case .float64: run = .float64(try TrainingLoop(graph: graph, train: train, test: test, settings: settings))
            }
        }
        params = run.parametersInDouble
        batch = Array(run.nextBatch)
        let engine = try Engine<Double>(graph: graph, constants: ["λ": config.lambda, "k": Double(train.classes)])
        var empty = ["X": Matrix<Double>(scalar: 0), "y": Matrix(scalar: 0)]
        for p in params { empty[p.name] = p.value }
        stepper = try Stepper(engine: engine, bindings: empty)
        losses = []; training = nil
        pinned = nil; tab = 0; scrollRow = 0; scrollCol = 0; pictureColumn = 0; showHelp = false; showProgram = false
        check = nil; explanation = nil; quiz = Quiz()
        var about = "\(REPL.inert(train.name)), \(train.count) examples × \(train.d) features"
        if let names = train.columnNames {
            let shown = REPL.inert(names.prefix(6).joined(separator: ", ")) + (names.count > 6 ? ", …" : "")
            about += " (columns: " + shown + ")"
        }
        status = Status("ready: \(about); → steps, ← back, n trains, ? help")
        lastMark = nil; quit = false; prompt = nil; history = []; probes = []; whatIf = nil
        try restartStepper()
        // Run one whole step on a copy: a shape error in a user's graph shows at start, not mid-way.
        if graph != Figure611.graph { var s = stepper.state; try engine.run(&s) }
        if cheapToMeasure { run.requestMeasurement(); while run.isMeasuring { _ = run.advance() } }
    }

    /// The loop's next minibatch, stepped from position 0 with the current weights and λ.
    mutating func restartStepper() throws(EvalError) {
        stepper = try makeStepper(whatIf?.bindings ?? bindings, lambda: whatIf?.lambda ?? config.lambda)
    }

    /// A stepper over the minibatch for these leaves and λ, in the run's precision: a float32 run
    /// is stepped by a float32 engine, so that the TUI shows (and breaks on) the numbers `--batch`
    /// computes, widened exactly to float64. With `stepsAsTrained`, on the minibatch's rows in the
    /// order the trainer arranges them (sums over rows as in training), shown in the minibatch's order.
    func makeStepper(_ b: [String: Matrix<Double>], lambda: Double) throws(EvalError) -> Stepper<Double> {
        let e = try engine(lambda: lambda)
        // Shown row i is computed row back[i]; computed row r is shown row order[r].
        var back: [Int]? = nil, order: [Int] = []
        if stepsAsTrained { (back, order) = MinibatchOrder.rows(batch, arranged: run.arranged(batch)) }
        func arranged<C: Real>(_ bs: [String: Matrix<C>]) -> [String: Matrix<C>] {
            guard back != nil else { return bs }
            var out = bs
            for name in ["X", "y"] {
                if let m = bs[name], m.rows == order.count {
                    out[name] = Matrix(rows: m.rows, cols: m.cols) { r, j in m[order[r], j] }
                }
            }
            return out
        }
        guard config.precision == .float32 else {
            guard let back else { return try Stepper(engine: e, bindings: b) }
            return try Stepper(engine: e, arrangedBindings: arranged(b), rows: back)
        }
        let narrow = try Engine<Float>(graph: graph, constants: ["λ": Float(lambda), "k": Float(train.classes)])
        return try Stepper(engine: e, narrow: narrow, bindings: arranged(narrowed(b)), rows: back)
    }

    /// The leaves in float32: the weights come back exactly (they are the float32 loop's, widened);
    /// X is the data set's float32 X wherever it was not edited (images are scaled in float32, which
    /// rounding the float64 X would not give), and an edited entry is rounded.
    func narrowed(_ b: [String: Matrix<Double>]) -> [String: Matrix<Float>] {
        let (xd, _): (Matrix<Double>, Matrix<Double>) = train.matrix(rows: batch)
        let (xf, _): (Matrix<Float>, Matrix<Float>) = train.matrix(rows: batch)
        var out: [String: Matrix<Float>] = [:]
        for (name, m) in b {
            var f = Matrix<Float>(rows: m.rows, cols: m.cols, m.storage.map { Float($0) })
            if name == "X" && m.storage.count == xd.storage.count {
                for i in f.storage.indices where m.storage[i] == xd.storage[i] { f.storage[i] = xf.storage[i] }
            }
            out[name] = f
        }
        return out
    }

    /// The leaves' values for the minibatch being stepped through: X, y and the parameters.
    public var bindings: [String: Matrix<Double>] {
        let (X, y): (Matrix<Double>, Matrix<Double>) = train.matrix(rows: batch)
        var b = ["X": X, "y": y]
        for p in params { b[p.name] = p.value }
        return b
    }

    /// The leaves' shapes for a minibatch of m rows (for costs and programs).
    public func leafShapes(rows m: Int) -> [String: Shape] {
        graph.leafShapes(m: m, d: features, k: classes, h: config.hidden)
    }

    /// The parameter multiplied with X (`matmul(X, P)`): the first layer's weights, drawn as pictures.
    public var firstLayer: (name: String, value: Matrix<Double>)? {
        let g = graph
        guard let n = g.nodes.first(where: { $0.op == MatMulOp.name && $0.inputs.first == "X" }),
              let p = params.first(where: { $0.name == n.inputs[1] }) else { return nil }
        return p
    }

    /// After the loop has moved: its weights in float64 and its next minibatch at position 0.
    mutating func followLoop() throws(EvalError) {
        run.sync()
        params = run.parametersInDouble
        batch = Array(run.nextBatch)
        try restartStepper()
    }

    /// Multiply-adds above which a single update does not measure accuracy at its end (keeping a
    /// key press well under 50 ms); epochs' ends and longer trainings always measure.
    static let accuracyBudget = 200_000_000

    /// Whether measuring accuracy on all the data costs less than `accuracyBudget`.
    var cheapToMeasure: Bool { (train.count + (test?.count ?? 0)) * train.d * config.hidden <= Self.accuracyBudget }

    /// J of the current minibatch once the forward pass has reached it.
    public var currentJ: Double? { engineState.values[engine.graph.loss]?.scalar }
}
