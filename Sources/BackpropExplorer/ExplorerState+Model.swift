import BackpropCore
import BackpropData

extension ExplorerState {
    /// A fresh exploration: weights from the seed (He initialisation), the first minibatch, position 0.
    public init(config: ExplorerConfig, train: Dataset, test: Dataset?) throws(EvalError) {
        self.config = config; self.train = train; self.test = test
        var gen = SeededGenerator(seed: config.seed)
        W1 = Initializer.he.weights(fanIn: train.d, fanOut: config.hidden, rng: &gen)
        W2 = Initializer.he.weights(fanIn: config.hidden, fanOut: train.classes, rng: &gen)
        rng = SeededGenerator(seed: config.seed ^ 0x5EED_0F0D_E12D)
        order = []; cursor = 0; epoch = 0; updates = 0; batch = []
        if let text = config.graph {
            do throws(ExplorerError) { graph = try ExplorerConfig.graph(from: text) } catch {
                throw EvalError.invalidValue(node: "graph", text: "--graph", message: error.message)
            }
        } else { graph = Figure611.graph }
        let engine = try Engine<Double>(graph: graph, constants: ["λ": config.lambda])
        stepper = try Stepper(engine: engine,
                              bindings: ["X": Matrix(scalar: 0), "y": Matrix(scalar: 0), "W1": W1, "W2": W2])
        losses = []
        pinned = nil; tab = 0; scrollRow = 0; scrollCol = 0; pictureColumn = 0; showHelp = false; check = nil
        var about = "\(REPL.inert(train.name)), \(train.count) examples × \(train.d) features"
        if let names = train.columnNames {
            let shown = REPL.inert(names.prefix(6).joined(separator: ", ")) + (names.count > 6 ? ", …" : "")
            about += " (columns: " + shown + ")"
        }
        status = Status("ready: \(about); → steps, ← back, n trains, ? help")
        lastMark = nil; quit = false; prompt = nil; history = []
        shuffle()
        try startBatch()
        // Run one whole step on a copy: a shape error in a user's graph shows at start, not mid-way.
        if graph != Figure611.graph { var s = stepper.state; try engine.run(&s) }
        accuracyAt = nil
        measureAccuracy(force: false)
    }

    /// A new epoch order (Fisher–Yates with the seeded generator, as `--batch --rng xoshiro` draws it).
    mutating func shuffle() {
        order = rng.permutation(train.count)
        cursor = 0
    }

    /// Takes the next minibatch and starts its step-through at position 0.
    mutating func startBatch() throws(EvalError) {
        if cursor + config.batchSize > order.count { epoch += 1; shuffle() }
        batch = Array(order[cursor..<(cursor + config.batchSize)])
        cursor += config.batchSize
        try restartStepper()
    }

    /// The current minibatch's step-through from position 0, with the current weights and λ.
    mutating func restartStepper() throws(EvalError) {
        let (X, y): (Matrix<Double>, Matrix<Double>) = train.matrix(rows: batch)
        let engine = try Engine<Double>(graph: graph, constants: ["λ": config.lambda])
        stepper = try Stepper(engine: engine, bindings: ["X": X, "y": y, "W1": W1, "W2": W2])
    }

    /// One SGD update from the current minibatch (finishing its backward pass), then the next minibatch.
    /// Returns an error message, and changes nothing, if J or a gradient is not finite.
    mutating func update() throws(EvalError) -> String? {
        var s = stepper.state
        try engine.run(&s)
        let g = engine.graph
        // The checks at load time make these present (W1 and W2 on a path to a computed loss); a
        // graph that slipped past them is refused here, not trapped on.
        guard let J = s.values[g.loss]?.scalar, let w1 = g.id("W1"), let w2 = g.id("W2"),
              let g1 = s.grads[w1], let g2 = s.grads[w2] else {
            return "update \(updates + 1): the graph gives no loss or no gradient for W1 and W2; "
                + "expected both on a path to the loss"
        }
        for (name, ok) in [("J", J.isFinite), ("∇W1 J", g1.isFinite), ("∇W2 J", g2.isFinite)] where !ok {
            return "update \(updates + 1): \(name) is not finite (NaN or Inf); training diverged, try :set lr with a "
                   + "smaller value"
        }
        SGD.update(&W1, gradient: g1, learningRate: config.lr)
        SGD.update(&W2, gradient: g2, learningRate: config.lr)
        losses.append(J)
        updates += 1
        try startBatch()
        return nil
    }

    /// Multiply-adds that measuring accuracy costs; above this a single update does not re-measure
    /// (keeping a key press well under 50 ms), and the screen says when it was measured.
    static let accuracyBudget = 200_000_000

    /// Accuracy of the current weights on (up to 5,000 of) the training data and on the test data.
    /// Unless `force`d, skipped when it would cost more than `accuracyBudget`.
    mutating func measureAccuracy(force: Bool) {
        let examples = min(train.count, 5000) + min(test?.count ?? 0, 10000)
        if !force && examples * train.d * config.hidden > Self.accuracyBudget { return }
        // The logits: Figure 6.11's directly; another graph's from the input of its cross_entropy.
        let logitsNode = graph.nodes.first { $0.op == CrossEntropyOp.name }?.inputs.first.flatMap { graph.id($0) }
        guard graph == Figure611.graph || logitsNode != nil else { return }
        func accuracy(_ d: Dataset, limit: Int) -> Double {
            let rows = Array(0..<min(d.count, limit))
            let (X, y): (Matrix<Double>, Matrix<Double>) = d.matrix(rows: rows)
            var logits = X.matmul(W1).map { $0 > 0 ? $0 : 0 }.matmul(W2)
            if graph != Figure611.graph, let node = logitsNode {
                guard var s = try? engine.start(["X": X, "y": y, "W1": W1, "W2": W2]),
                      let p = engine.forwardNodes.firstIndex(of: node), (try? engine.run(&s, to: p + 1)) != nil,
                      let l = s.values[node], l.rows == rows.count else { return .nan }
                logits = l
            }
            return Accuracy.of(logits: logits, labels: rows.map { Int(d.labels[$0]) })
        }
        trainAccuracy = accuracy(train, limit: 5000)
        testAccuracy = test.map { accuracy($0, limit: 10000) }
        accuracyAt = updates
    }

    /// J of the current minibatch once the forward pass has reached it.
    public var currentJ: Double? { engineState.values[engine.graph.loss]?.scalar }
}
