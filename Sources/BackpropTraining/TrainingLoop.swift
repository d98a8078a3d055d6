import BackpropCore
import BackpropData
import Synchronization

/// Revisions of loops' weights, unique in the process (identities, not values: no result depends on them).
private let loopRevisions = Atomic<UInt64>(0)

/// The one training loop, shared by `--batch` and the TUI: the epochs' orders and the partial last
/// minibatch, the order stream, the SGD update, the divergence check, accuracy and the epoch records.
/// It does no I/O and reads no clock: a driver calls `advance` (one update, or one chunk of an
/// accuracy measurement) as often as it likes and does what it wants with the events; how often
/// never changes the bits.
///
/// The state is a value (`LoopState`); the executor that computes lives in a workspace kept
/// between calls. `advance` leaves the new weights in the executor; `sync` brings them into the
/// value (copy a loop only when synced).
public struct TrainingLoop<T: Real>: Sendable {
    public internal(set) var settings: LoopSettings
    public let graph: Graph
    /// The graph's parameters and their shapes for this data and `--hidden`, in graph order.
    public let parameters: [(name: String, shape: Shape)]
    public let train: Dataset
    public let test: Dataset?
    public internal(set) var state: LoopState<T>
    let workspace: Workspace<T>
    /// The revision of `state`'s weights: the workspace holding another must load them.
    var revision: UInt64
    /// Whether the executor holds weights newer than `state`'s.
    public private(set) var unsynced = false
    /// Conditions read after every update's backward pass (`setProbes`): breakpoints and watches.
    public private(set) var probes: [TensorPredicate] = []
    /// Which probes are breakpoints (stop training when they hold); the others are watches.
    public private(set) var probeStops: [Bool] = []
    /// The engine even for Figure 6.11's shape (the tests hold the fused path to its bits).
    let general: Bool

    /// Examples per accuracy chunk, in minibatches (about one update's work).
    static var measureBatches: Int { 4 }

    /// A loop on `graph` from `start`, or from weights drawn as `settings` say (at update 0).
    /// Graphs of Figure 6.11's shape train on the fused trainer, any other on the engine.
    public init(graph: Graph, train: Dataset, test: Dataset?, settings: LoopSettings,
                start: LoopState<T>? = nil) throws(EvalError) {
        try self.init(graph: graph, train: train, test: test, settings: settings, start: start, general: false)
    }

    /// `general`: the engine even for Figure 6.11 (the tests hold the fused path to its bits).
    init(graph: Graph, train: Dataset, test: Dataset?, settings: LoopSettings, start: LoopState<T>?,
         general: Bool) throws(EvalError) {
        self.graph = graph; self.train = train; self.test = test; self.settings = settings; self.general = general
        let parameters = graph.parameterShapes(d: train.d, k: train.classes, h: settings.hidden)
        self.parameters = parameters
        if let start { state = start } else {
            let p: [Matrix<T>] = settings.rng.parameters(settings.initScheme, shapes: parameters.map(\.shape),
                                                         seed: settings.seed)
            state = LoopState(params: p.map(\.storage), epochStream: settings.rng.orders(seed: settings.seed),
                              examples: train.count, shuffle: settings.shuffle)
        }
        workspace = Workspace(executor: try Self.executor(graph, parameters, state.params, settings, train,
                                                          general: general),
                              arrangement: MinibatchOrder(train, maxBatch: settings.batchSize),
                              testArrangement: nil)
        revision = Self.nextRevision()
        workspace.holds = revision
    }

    /// The fused trainer when the graph is Figure 6.11's, whatever its annotations (the same bits,
    /// faster), else the engine. With probes, the engine, which holds every node's value and
    /// gradient; but breakpoints the fused step can judge (`FusedWatch`) keep the fused trainer.
    static func executor(_ graph: Graph, _ parameters: [(name: String, shape: Shape)], _ params: [[T]],
                         _ c: LoopSettings, _ train: Dataset, general: Bool = false,
                         probes: [TensorPredicate] = [], stops: [Bool] = []) throws(EvalError) -> ExecutorChoice<T> {
        let (d, h, k) = (train.d, c.hidden, train.classes)
        if graph.unannotated == Figure611.graph.unannotated && !general {
            let checks = FusedWatch<T>.checks(probes, stops: stops, graph: graph)
            if probes.isEmpty || checks != nil {
                let f = FusedTrainer<T>(d: d, nh: h, k: k, maxBatch: c.batchSize, W1: params[0], W2: params[1],
                                        learningRate: T(c.lr), lambda: T(c.lambda), threads: c.threads)
                guard let checks, !probes.isEmpty else { return .fused(f) }
                return .watched(FusedWatch(trainer: f, checks: checks) {
                    try? engine(graph, parameters, params, c, train, probes: probes, stops: stops)
                })
            }
        }
        return .engine(try engine(graph, parameters, params, c, train, probes: probes, stops: stops))
    }

    /// The engine's executor for `graph`, reading `probes` after each backward pass.
    static func engine(_ graph: Graph, _ parameters: [(name: String, shape: Shape)], _ params: [[T]],
                       _ c: LoopSettings, _ train: Dataset,
                       probes: [TensorPredicate], stops: [Bool]) throws(EvalError) -> EngineExecutor<T> {
        let k = train.classes
        let p = zip(parameters, params).map { q, v in
            (name: q.name, value: Matrix(rows: q.shape.rows, cols: q.shape.cols, v))
        }
        // Fused (`Graph.fusedForTraining`), or only the sums of squares, or not at all: the most that
        // takes away no node a probe reads.
        var run = graph, bound = probes
        for fused in [graph.fusedForTraining(probes: probes), graph.fusingSumsOfSquares()] {
            let rebound = probes.compactMap { $0.rebound(from: graph, to: fused) }
            if rebound.count == probes.count { (run, bound) = (fused, rebound); break }
        }
        let e = try EngineExecutor<T>(graph: run, parameters: p, classes: k, maxBatch: c.batchSize,
                                      learningRate: T(c.lr), lambda: T(c.lambda), threads: c.threads, fuse: false)
        e.probes = bound
        e.stops = stops
        return e
    }

    /// Sets the conditions read after every update's backward pass; `stops[i]`: probe i is a
    /// breakpoint. Training then runs on the engine (the same bits as the fused trainer), or for
    /// breakpoints the fused step can judge, on the fused trainer (`FusedWatch`).
    public mutating func setProbes(_ probes: [TensorPredicate], stops: [Bool]) {
        precondition(probes.count == stops.count)
        guard probes != self.probes || stops != probeStops else { return }
        sync()
        self.probes = probes; probeStops = stops
        revision = Self.nextRevision()   // makes `prepare` make the executor that fits
    }

    /// Where the NaN or Inf of an update on examples `rows` is made, from the weights the executor
    /// holds (those before the update, when it was not made), on the graph as written.
    func faultOrigin(rows: ArraySlice<Int>) -> FaultOrigin? {
        let params = workspace.executor.params
        guard let e = try? Engine<T>(graph: graph, constants: ["λ": T(settings.lambda), "k": T(train.classes)])
        else { return nil }
        let (X, y): (Matrix<T>, Matrix<T>) = train.matrix(rows: Array(rows))
        var b = ["X": X, "y": y]
        for (p, v) in zip(parameters, params) { b[p.name] = Matrix(rows: p.shape.rows, cols: p.shape.cols, v) }
        guard var s = try? e.start(b), (try? e.run(&s)) != nil else { return nil }
        return e.faultOrigin(s)
    }

    static func nextRevision() -> UInt64 { loopRevisions.add(1, ordering: .relaxed).newValue }

    /// The next update's minibatch: its examples in the epoch's order.
    public var nextBatch: ArraySlice<Int> {
        let n = train.count, p = state.position
        return state.order[p..<min(n, p + settings.batchSize)]
    }

    /// Updates in one epoch (the last minibatch may be partial).
    public var updatesPerEpoch: Int { (train.count + settings.batchSize - 1) / settings.batchSize }

    /// Updates left until the current epoch ends.
    public var updatesLeftInEpoch: Int {
        (train.count - state.position + settings.batchSize - 1) / settings.batchSize
    }

    /// Makes the executor hold this loop's weights and rates (made anew for other probes or a larger
    /// minibatch). Each update does this first; a run that times its updates calls it before the
    /// clock starts, so that the first update does not pay for making the executor.
    public mutating func prepare() {
        let w = workspace
        if w.holds != revision {
            let grows = w.executor.maxBatch < settings.batchSize
            if grows || w.probes != probes || w.stops != probeStops {
                // A larger minibatch than the executor has room for, or other probes: a new one (and,
                // for a larger minibatch, new arrangements; they depend on nothing else, and making
                // them reads every example).
                if let e = try? Self.executor(graph, parameters, state.params, settings, train, general: general,
                                              probes: probes, stops: probeStops) {
                    w.executor = e
                }
                w.probes = probes; w.stops = probeStops
                if grows {
                    w.arrangement = MinibatchOrder(train, maxBatch: settings.batchSize)
                    w.testArrangement = nil
                }
            } else {
                w.executor.params = state.params
            }
            w.holds = revision
        }
        w.executor.setRates(lr: T(settings.lr), lambda: T(settings.lambda))
    }

    /// One unit of work: the next chunk of a measurement under way, else one SGD update (which, when
    /// it ends the epoch, starts the epoch's measurement and draws the next order).
    public mutating func advance() -> LoopEvent {
        prepare()
        if state.measurement != nil { return measureChunk() }
        // A checkpoint from before epochs ended eagerly may stand at the end of one.
        if state.position >= train.count { endEpoch(); return measureChunk() }
        let n = train.count, p = state.position
        let m = min(settings.batchSize, n - p)
        let w = workspace
        let rows = w.arrangement.arrange(state.order[p..<(p + m)])
        let next = state.order[min(n, p + m)..<min(n, p + 2 * m)]
        let result: FusedTrainer<T>.StepResult
        switch w.executor.update(on: train, rows: rows, next: next) {
        case .failure(let e): w.holds = 0; return .failed("\(e)")
        case .success(let r): result = r
        }
        if let i = result.breakpoint {
            // Not made: the executor still holds the weights before this update.
            let origin = probes[i].kind == .nonfinite ? faultOrigin(rows: rows) : nil
            return .breakpoint(.init(probe: i, predicate: probes[i].text, update: state.step + 1,
                                     epoch: state.epoch + 1, value: result.readings[i].value, origin: origin,
                                     readings: result.readings))
        }
        if let bad = result.nonFinite {
            // The engine makes no update when a gradient is not finite, the fused trainer none when J is
            // not: then the weights before it are at hand to find where the fault was made.
            let intact = w.executor.withholdsBadUpdates || bad == "J"
            let origin = intact ? faultOrigin(rows: rows) : nil
            w.holds = 0   // the executor's weights may hold the bad update: reload before any other use
            return .diverged(update: state.step + 1, epoch: state.epoch + 1, tensor: bad, origin: origin)
        }
        if !unsynced {
            // This copy now owns what the executor holds; any other copy must reload its own.
            unsynced = true
            revision = Self.nextRevision()
            w.holds = revision
        }
        state.step += 1; state.position += m
        state.sums.J += Double(result.J); state.sums.JMLE += Double(result.JMLE); state.sums.batches += 1
        let u = LoopEvent.Update(step: state.step, epoch: state.epoch + 1, J: Double(result.J),
                                 JMLE: Double(result.JMLE), m: m, readings: result.readings)
        if state.position >= n { endEpoch() }
        return .updated(u)
    }

    /// The end of an epoch: its record waits for its measurement; the next epoch's order is drawn.
    mutating func endEpoch() {
        let s = state.sums, b = Double(max(s.batches, 1))
        let record = LoopEvent.EpochRecord(epoch: state.epoch + 1, step: state.step, J: s.J / b, JMLE: s.JMLE / b,
                                           batches: s.batches)
        state.measurement = .init(record: record)
        state.epoch += 1; state.position = 0; state.sums = EpochSums()
        state.epochStream = state.stream
        state.order = state.stream.order(train.count, shuffle: settings.shuffle)
    }

    /// Starts measuring accuracy now (nothing if one is under way or the last is of these weights).
    public mutating func requestMeasurement() {
        guard state.measurement == nil, state.accuracy?.step != state.step else { return }
        state.measurement = .init(record: nil)
    }

    /// Runs units until a measurement under way ends (its events are dropped but the last).
    public mutating func finishMeasurement() -> LoopEvent? {
        var last: LoopEvent? = nil
        while state.measurement != nil { last = advance() }
        return last
    }

    /// The next chunk of the measurement: training examples first, then the test data's.
    mutating func measureChunk() -> LoopEvent {
        var ms = state.measurement!
        let w = workspace, maxBatch = w.executor.maxBatch
        let nTrain = train.count, total = nTrain + (test?.count ?? 0)
        var budget = Self.measureBatches
        while budget > 0 && ms.done < total && ms.hasLogits {
            let onTrain = ms.done < nTrain
            let data = onTrain ? train : test!
            let start = onTrain ? ms.done : ms.done - nTrain
            let m = min(maxBatch, data.count - start)
            w.chunk.removeAll(keepingCapacity: true)
            w.chunk.append(contentsOf: start..<(start + m))
            // Arranged as training arranges a minibatch, so that X W1 leaves out the zero pixels of
            // whole tiles (a prediction does not depend on the order).
            let rows: ArraySlice<Int>
            if onTrain { rows = w.arrangement.arrange(w.chunk[...]) } else {
                var order = w.testArrangement ?? MinibatchOrder(data, maxBatch: maxBatch)
                rows = Array(order.arrange(w.chunk[...]))[...]
                w.testArrangement = order
            }
            guard let h = w.executor.hits(on: data, rows: rows) else { ms.hasLogits = false; break }
            if onTrain { ms.hits += h } else { ms.testHits += h }
            ms.done += m; budget -= 1
        }
        if ms.done < total && ms.hasLogits { state.measurement = ms; return .measuring }
        state.measurement = nil
        let acc = LoopEvent.Accuracy(step: state.step,
                                     train: ms.hasLogits ? Double(ms.hits) / Double(max(nTrain, 1)) : nil,
                                     test: ms.hasLogits ? test.map { Double(ms.testHits) / Double(max($0.count, 1)) }
                                         : nil)
        state.accuracy = acc
        return .measured(acc, record: ms.record)
    }

    /// Brings the executor's weights into the value.
    public mutating func sync() {
        guard unsynced else { return }
        state.params = workspace.executor.params
        unsynced = false
    }

    /// Changes the rates or the minibatch size from the next update on (the model and the position stay).
    public mutating func change(lr: Double? = nil, lambda: Double? = nil, batchSize: Int? = nil) {
        sync()
        if let lr { settings.lr = lr }
        if let lambda { settings.lambda = lambda }
        if let b = batchSize, b != settings.batchSize {
            settings.batchSize = b
            revision = Self.nextRevision()   // makes `prepare` check the executor's room
        }
    }

    /// Examples `batch` as the executor takes them (`MinibatchOrder`): what a trace needs to put rows back.
    public func arranged(_ batch: ArraySlice<Int>) -> [Int] { Array(workspace.arrangement.arrange(batch)) }
}
