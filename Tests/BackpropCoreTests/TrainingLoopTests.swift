import BackpropCore
import BackpropData
import BackpropIO
import Foundation
import Testing
@testable import BackpropTraining

/// The one training loop: how it is driven never changes its bits; the fused path gives the
/// engine's; copies of a loop stay independent; epochs, partial minibatches and accuracy.
@Suite struct TrainingLoopTests {
    /// Per test, not a static (a static's buffers read as leaks to LSan at exit).
    let spiral = try! DataSource.load("spiral", precision: .float64)
    func settings(threads: Int = 1, batch: Int = 32) -> LoopSettings {
        LoopSettings(hidden: 12, batchSize: batch, lr: 0.5, lambda: 1e-3, seed: 9, rng: .numpy, threads: threads)
    }
    func loop<T: Real>(_: T.Type, _ c: LoopSettings, general: Bool = false) -> TrainingLoop<T> {
        try! TrainingLoop<T>(graph: Figure611.graph, train: spiral.train, test: spiral.test, settings: c,
                             start: nil, general: general)
    }
    /// Drives a loop through `updates` updates, syncing every `every` units (a TUI slice).
    func drive<T: Real>(_ l: inout TrainingLoop<T>, updates: Int, every: Int) -> [LoopEvent] {
        var events: [LoopEvent] = [], units = 0
        while l.state.step < updates || l.state.isMeasuring {
            events.append(l.advance()); units += 1
            if units % every == 0 { l.sync() }
        }
        l.sync()
        return events
    }

    @Test(arguments: [1, 2]) func slicingNeverChangesTheBits(threads: Int) {
        for every in [1, 3, 1000] {
            var a = loop(Double.self, settings(threads: threads)), b = loop(Double.self, settings(threads: 1))
            let ea = drive(&a, updates: 45, every: every), eb = drive(&b, updates: 45, every: 7)
            #expect(a.state.W1 == b.state.W1 && a.state.W2 == b.state.W2, "every \(every), \(threads) threads")
            #expect(ea == eb)
        }
    }

    /// The engine runs the graph fused as far as its probes let it (`Graph.fusedForTraining`): a probe
    /// on a node that a fusion takes away keeps that node, `nonfinite` keeps the bias add; whichever
    /// graph runs, the readings and the update are those of the graph as written.
    @Test func probesKeepTheNodesTheyRead() throws {
        let g = try EngineExecutorTests().graph("with-biases")
        let c = settings()
        let shapes = g.parameterShapes(d: spiral.train.d, k: spiral.train.classes, h: c.hidden)
        var rng = SeededGenerator(seed: 3)
        let params = shapes.map { p in (0..<p.shape.count).map { _ in rng.nextNormal() } }
        let rows = Array(0..<32)
        var b: [String: Matrix<Double>] = [:]
        (b["X"], b["y"]) = spiral.train.matrix(rows: rows)
        for (p, v) in zip(shapes, params) { b[p.name] = Matrix(rows: p.shape.rows, cols: p.shape.cols, v) }
        let written = try Engine<Double>(graph: g, constants: ["λ": c.lambda, "k": Double(spiral.train.classes)])
        var s = try written.start(b)
        try written.run(&s)
        // (A fused node keeps the name of the last node it stands for: sumsq u4's, add_relu H's.)
        for (texts, kept, gone) in [(["max(H) > 1e9"], ["H", "u4"], ["U1", "U3", "U5"]),
                                    (["max(U1) > 1e9"], ["U1", "H", "u4"], ["U3", "U5"]),
                                    (["nonfinite"], ["U1", "H", "u4"], ["U3", "U5"]),
                                    (["max(U3) > 1e9", "min(U1) < -1e9"], ["U1", "U3", "u4", "H"], [String]())] {
            let probes = try texts.map { try TensorPredicate($0, graph: g) }
            let x = try TrainingLoop<Double>.engine(g, shapes, params, c, spiral.train, probes: probes,
                                                     stops: texts.map { _ in false })
            for n in kept { #expect(x.graph.id(n) != nil, "\(texts): \(n) kept") }
            for n in gone { #expect(x.graph.id(n) == nil, "\(texts): \(n) fused away") }
            #expect(x.graph.nodes.contains { $0.op == AddReluOp.name } == !kept.contains("U1"), "\(texts)")
            guard case .success(let r) = x.update(on: spiral.train, rows: rows[...], next: []) else {
                Issue.record("update failed"); return
            }
            let expected = probes.map { $0.reading(values: s.values, grads: s.grads) }
            #expect(r.readings == expected, "\(texts)")
        }
    }

    /// Figure 6.11's fused trainer and the general engine on the same minibatches: the same bits.
    @Test func theFusedPathGivesTheEnginesBits() {
        var fused = loop(Double.self, settings()), general = loop(Double.self, settings(), general: true)
        #expect(fused.workspace.executor.isEngine == false && general.workspace.executor.isEngine)
        let ef = drive(&fused, updates: 40, every: 5), eg = drive(&general, updates: 40, every: 5)
        #expect(fused.state.W1 == general.state.W1 && fused.state.W2 == general.state.W2)
        #expect(ef == eg)
        var f32 = loop(Float.self, settings()), g32 = loop(Float.self, settings(), general: true)
        _ = drive(&f32, updates: 40, every: 5); _ = drive(&g32, updates: 40, every: 5)
        #expect(f32.state.W1 == g32.state.W1 && f32.state.W2 == g32.state.W2)
    }

    /// An epoch is every example once, the last minibatch partial (600 = 18·32 + 24); its end
    /// measures accuracy and reports the epoch's mean losses; the next order is drawn.
    @Test func epochsPartialMinibatchesAndRecords() {
        var l = loop(Double.self, settings())
        #expect(l.updatesPerEpoch == 19)
        let order = l.state.order
        var sizes: [Int] = [], records: [LoopEvent.EpochRecord] = [], sum = 0.0
        while l.state.step < 19 || l.state.isMeasuring {
            switch l.advance() {
            case .updated(let u): sizes.append(u.m); sum += u.J; #expect(u.epoch == 1)
            case .measured(let a, let r?): records.append(r); #expect(a.step == 19 && a.train != nil && a.test != nil)
            default: break
            }
        }
        #expect(sizes == Array(repeating: 32, count: 18) + [24])
        #expect(records.count == 1 && records[0].epoch == 1 && records[0].batches == 19)
        #expect(records[0].J == sum / 19)
        #expect(l.state.epoch == 1 && l.state.position == 0 && l.state.order != order)
        #expect(Set(l.state.order) == Set(0..<600))
    }

    /// A copy of a synced loop is a value: training one leaves the other where it was, and the
    /// other then trains from there as if the first had never run (they share the executor).
    @Test func copiesAreIndependentValues() {
        var a = loop(Double.self, settings(threads: 2))
        _ = drive(&a, updates: 5, every: 2)
        var b = a
        _ = drive(&a, updates: 12, every: 2)
        #expect(b.state.step == 5)
        _ = drive(&b, updates: 12, every: 3)
        #expect(a.state.W1 == b.state.W1 && a.state.W2 == b.state.W2 && a.state.step == b.state.step)
    }

    /// A checkpoint of the loop resumes bit for bit (the format --batch and the TUI's :save write).
    @Test func aCheckpointResumesTheLoop() throws {
        var full = loop(Float.self, settings()), half = loop(Float.self, settings())
        _ = drive(&full, updates: 30, every: 4)
        _ = drive(&half, updates: 13, every: 4)
        let path = NSTemporaryDirectory() + "bploop-\(UUID().uuidString).st"
        try AtomicFile.write(Checkpoint.encoded(half), to: path)
        let state: LoopState<Float> = try Checkpoint.load(path, graph: Figure611.graph, train: spiral.train, settings: settings())
        var resumed = try TrainingLoop<Float>(graph: Figure611.graph, train: spiral.train, test: spiral.test,
                                              settings: settings(), start: state)
        _ = drive(&resumed, updates: 30, every: 4)
        #expect(resumed.state.W1 == full.state.W1 && resumed.state.W2 == full.state.W2)
        #expect(resumed.state.sums == full.state.sums && resumed.state.epoch == full.state.epoch)
        // Other settings are refused, naming the one that differs.
        var other = settings(); other.lr = 0.25
        #expect(throws: IOError.self) { let _: LoopState<Float> = try Checkpoint.load(path, graph: Figure611.graph, train: spiral.train, settings: other) }
    }

    /// A diverging update is reported with its number and the tensor, and not counted.
    @Test func divergenceIsReportedAndNotCounted() {
        var c = settings(); c.lr = 1e9
        var l = loop(Double.self, c)
        var last: LoopEvent? = nil
        for _ in 0..<50 {
            last = l.advance()
            if case .diverged = last { break }
        }
        guard case let .diverged(update, epoch, tensor, _)? = last else { Issue.record("no divergence"); return }
        #expect(update == l.state.step + 1 && epoch == l.state.epoch + 1 && ["J", "∇W1 J", "∇W2 J"].contains(tensor), "\(update) \(epoch) \(tensor) \(l.state.step)")
    }
}

/// Breakpoints and watches on the one loop: the fused trainer, the engine and the engine with
/// probes stop at the same update, with the same origin of the fault.
@Suite struct BreakpointLoopTests {
    let spiral = try! DataSource.load("spiral", precision: .float64)
    func settings(lr: Double) -> LoopSettings {
        LoopSettings(hidden: 12, batchSize: 32, lr: lr, lambda: 1e-3, seed: 9, rng: .numpy, threads: 1)
    }
    func loop(_ c: LoopSettings, general: Bool = false) -> TrainingLoop<Float> {
        try! TrainingLoop<Float>(graph: Figure611.graph, train: spiral.train, test: spiral.test, settings: c,
                                 start: nil, general: general)
    }
    /// Advances until an event other than an update or a measurement; the updates' readings.
    func run(_ l: inout TrainingLoop<Float>, limit: Int = 400) -> (LoopEvent?, [[TensorPredicate.Reading]]) {
        var readings: [[TensorPredicate.Reading]] = []
        for _ in 0..<limit {
            switch l.advance() {
            case .updated(let u): readings.append(u.readings)
            case .measuring, .measured: continue
            case let e: return (e, readings)
            }
        }
        return (nil, readings)
    }

    @Test func aDivergenceStopsAtTheSameUpdateOnEveryPath() throws {
        let c = settings(lr: 1e4)
        var fused = loop(c), engine = loop(c, general: true), probed = loop(c)
        probed.setProbes([try TensorPredicate("nonfinite", graph: Figure611.graph)], stops: [true])
        _ = probed.advance()
        guard case .watched = probed.workspace.executor else { Issue.record("not on the fused trainer"); return }
        guard case let (.diverged(u1, _, _, o1)?, _) = run(&fused), case let (.diverged(u2, _, _, o2)?, _) = run(&engine),
              case let (.breakpoint(b)?, _) = run(&probed) else { Issue.record("no divergence"); return }
        #expect(u1 == u2 && u2 == b.update, "\(u1) \(u2) \(b.update)")
        let origin = try #require(o1)
        #expect(o2 == origin && b.origin == origin, "the same origin: \(origin.text)")
        #expect(probed.state.step == b.update - 1, "the update that broke was not made")
        #expect(b.line.hasPrefix("breakpoint: nonfinite at update \(b.update) (epoch \(b.epoch)): not finite, made by "))
    }

    /// A fault that J does not show: features of 1e30 make X W1 overflow to −Inf in one column,
    /// relu makes that 0, and J and every gradient stay finite. `nonfinite` breaks there on the fused
    /// trainer (which checks U1 for it) as on the engine; unchecked, the fused trainer goes on.
    @Test func aFaultJDoesNotShowBreaksOnEveryPath() throws {
        let (n, d, h) = (16, 3, 4)
        var rng = SeededGenerator(seed: 5)
        let x = (0..<(n * d)).map { _ in Float(0.5 + rng.nextUnit()) * 1e30 }
        let data = Dataset(name: "large", features: .floats(x), labels: (0..<n).map { UInt8($0 % 2) }, count: n, d: d,
                           classes: 2, imageSide: nil, digest: "large")
        let c = LoopSettings(hidden: h, batchSize: 8, lr: 0.01, lambda: 1e-3, seed: 3, rng: .numpy, threads: 1)
        // Hidden unit 0 weighs every feature −1e10: U1[·,0] = −Inf. The others see ~0.3.
        let W1 = (0..<(d * h)).map { i in i % h == 0 ? Float(-1e10) : Float(1e-31) * Float(1 + i % 3) }
        let W2 = (0..<(h * 2)).map { i in Float(i % 3) * 0.1 - 0.1 }
        func start() -> LoopState<Float> {
            LoopState(params: [W1, W2], epochStream: c.rng.orders(seed: c.seed), examples: n, shuffle: true)
        }
        func make(general: Bool, probes: Bool) throws -> TrainingLoop<Float> {
            var l = try TrainingLoop<Float>(graph: Figure611.graph, train: data, test: nil, settings: c, start: start(),
                                            general: general)
            if probes { l.setProbes([try TensorPredicate("nonfinite", graph: Figure611.graph)], stops: [true]) }
            return l
        }
        var engine = try make(general: true, probes: true), fused = try make(general: false, probes: true)
        var unchecked = try make(general: false, probes: false)
        guard case let (.breakpoint(e)?, _) = run(&engine), case let (.breakpoint(f)?, _) = run(&fused) else {
            Issue.record("no breakpoint"); return
        }
        guard case .watched = fused.workspace.executor else { Issue.record("not on the fused trainer"); return }
        #expect(e.update == 1 && f == e, "\(f.line) | \(e.line)")
        #expect(e.origin.map { Figure611.graph.nodes[$0.node].name } == "U1", "\(e.line)")
        guard case .updated(let u) = unchecked.advance() else { Issue.record("the unchecked run stopped"); return }
        #expect(u.J.isFinite, "J does not show it: \(u.J)")
    }

    /// Images read as bytes leave U1 out of the fused trainer's `nonfinite` check: J finite bounds
    /// ΣW1², and with it U1 (`FusedTrainer.boundsU1`). Weights up to the edge of float32 and past it:
    /// wherever U1 would overflow, ΣW1² already has (J is not finite), and both paths stop in the
    /// same words (the origin is the first node in evaluation order: U1 where it overflowed).
    @Test func onImagesJBoundsU1() throws {
        let (n, d, h) = (16, 3, 4)
        let data = Dataset(name: "bright", features: .bytes([UInt8](repeating: 255, count: n * d)),
                           labels: (0..<n).map { UInt8($0 % 2) }, count: n, d: d, classes: 2, imageSide: nil,
                           digest: "bright")
        let c = LoopSettings(hidden: h, batchSize: 8, lr: 1e-30, lambda: 1e-3, seed: 3, rng: .numpy, threads: 1)
        let W2 = (0..<(h * 2)).map { i in Float(i % 3) * 0.1 - 0.1 }
        var stops = 0
        for s: Float in [1e18, 1e19, 1.06e19, 1.07e19, 1.1e19, 1e20, 1e37, 3e38] {
            // Hidden unit 0 weighs every pixel −s: U1[·,0] = −3s, which float32 holds up to s ≈ 1.1e38.
            let W1 = (0..<(d * h)).map { i in i % h == 0 ? -s : Float(0.01) * Float(1 + i % 3) }
            func make(general: Bool) throws -> TrainingLoop<Float> {
                let start = LoopState<Float>(params: [W1, W2], epochStream: c.rng.orders(seed: c.seed), examples: n,
                                             shuffle: true)
                var l = try TrainingLoop<Float>(graph: Figure611.graph, train: data, test: nil, settings: c,
                                                start: start, general: general)
                l.setProbes([try TensorPredicate("nonfinite", graph: Figure611.graph)], stops: [true])
                return l
            }
            var engine = try make(general: true), fused = try make(general: false)
            let (e, _) = run(&engine, limit: 2), (f, _) = run(&fused, limit: 2)
            guard case .watched = fused.workspace.executor else { Issue.record("not on the fused trainer"); return }
            switch (e, f) {
            case let (.breakpoint(a)?, .breakpoint(b)?):
                #expect(a == b, "s = \(s): \(b.line) | \(a.line)")
                stops += 1
            case (nil, nil): break
            default: Issue.record("s = \(s): engine \(String(describing: e)), fused \(String(describing: f))")
            }
        }
        #expect(stops >= 4, "the largest weights overflow ΣW1²")
    }

    /// Gradients that are finite but whose squares pass float32's range: the fused sum of squares
    /// says "not finite", a false alarm the engine settles. The watched run stops, or does not,
    /// exactly where the engine's does, with the engine's readings, and trains on to the same bits.
    @Test func aGradientTooLargeToSquareIsSettledByTheEngine() throws {
        // λ = 100 and one weight of 1e18: λΣW1² ≈ 1e38 keeps J finite; its gradient 2λw = 2e20 has
        // a square of 4e40.
        let c = LoopSettings(hidden: 12, batchSize: 32, lr: 1e-12, lambda: 100, seed: 9, rng: .numpy, threads: 1)
        var params = loop(c).state.params
        params[0][5] = 1e18
        let g = Figure611.graph
        for th in [1e30, 1e20] {
            func make(general: Bool) throws -> TrainingLoop<Float> {
                let start = LoopState<Float>(params: params, epochStream: c.rng.orders(seed: c.seed),
                                             examples: spiral.train.count, shuffle: true)
                var l = try TrainingLoop<Float>(graph: g, train: spiral.train, test: nil, settings: c, start: start,
                                                general: general)
                l.setProbes([try TensorPredicate("norm(grad_W1) > \(th)", graph: g)], stops: [true])
                return l
            }
            var engine = try make(general: true), fused = try make(general: false)
            let (e, er) = run(&engine, limit: 3), (f, fr) = run(&fused, limit: 3)
            guard case .watched = fused.workspace.executor else { Issue.record("not on the fused trainer"); return }
            #expect(fr == er, "threshold \(th): the engine's readings")
            switch (e, f) {
            case let (.breakpoint(a)?, .breakpoint(b)?): #expect(a == b && th == 1e20, "\(b.line) | \(a.line)")
            case (nil, nil):
                #expect(th == 1e30)
                #expect(fused.state.params == engine.state.params, "the same bits after 3 updates")
            default: Issue.record("threshold \(th): engine \(String(describing: e)), fused \(String(describing: f))")
            }
        }
    }

    /// A watch reads every update; a breakpoint on the same statistic stops at the first update
    /// whose reading passes its threshold, whichever threshold.
    @Test func aBreakpointStopsAtTheFirstUpdateItHolds() throws {
        let g = Figure611.graph
        var watched = loop(settings(lr: 0.5))
        watched.setProbes([try TensorPredicate("norm(grad_W1) > 0", graph: g)], stops: [false])
        var all: [Double] = []
        while all.count < 40 {
            if case .updated(let u) = watched.advance() { all.append(u.readings[0].value!) }
        }
        let t = all[10..<30].sorted()[10]
        let first = try #require(all.firstIndex { $0 > t })
        var stopped = loop(settings(lr: 0.5))
        stopped.setProbes([try TensorPredicate("norm(grad_W1) > \(t)", graph: g),
                           try TensorPredicate("J > 100", graph: g)], stops: [true, true])
        guard case let (.breakpoint(b)?, readings) = run(&stopped) else { Issue.record("no stop"); return }
        guard case .watched = stopped.workspace.executor else { Issue.record("not on the fused trainer"); return }
        #expect(b.update == first + 1 && b.value == all[first] && b.probe == 0, "the engine's reading, exactly")
        // The fused trainer's own readings add the squares in another order: the same to ~1e-6.
        #expect(readings.count == first)
        for (r, w) in zip(readings, all) { #expect(Swift.abs(r[0].value! - w) <= 1e-6 * w, "\(r[0].value!) \(w)") }
        // Stopped where the update was not made: the weights after the updates before it, bit for bit
        // (the fused trainer made the breaking update in place; a replay from its snapshot undid it).
        var before = loop(settings(lr: 0.5))
        while before.state.step < first { _ = before.advance() }
        before.sync(); stopped.sync()
        #expect(stopped.state.params == before.state.params && stopped.state.step == first)
        // Taken off, training goes on from the update that broke, with the fused trainer's bits.
        stopped.setProbes([], stops: [])
        var plain = loop(settings(lr: 0.5))
        for _ in 0..<(first + 5) { _ = plain.advance() }
        while stopped.state.step < plain.state.step || stopped.state.isMeasuring { _ = stopped.advance() }
        stopped.sync(); plain.sync()
        #expect(stopped.state.params == plain.state.params)
    }
}

extension LoopState {
    var W1: [T] { params[0] }
    var W2: [T] { params[1] }
}
