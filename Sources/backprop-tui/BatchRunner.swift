import BackpropCore
import BackpropIO
import BackpropKernels
import Foundation
import BackpropData
import BackpropTraining

/// Headless training of the run's graph on the one training loop (the fused trainer for Figure
/// 6.11's shape, the engine for any other), in precision T.
struct BatchRunner<T: Real> {
    let config: RunConfig
    let source: DataSource
    let loadSeconds: Double
    let startTime: Date

    var train: Dataset { source.train }

    func say(_ s: String) { print(s); fflush(nil) }

    func run() throws(Failure) {
        let c = config, settings = c.settings
        // Where training starts: fresh, from --init, or resumed.
        let start: LoopState<T>?
        if let r = c.resumePath {
            start = try wrap { () throws(IOError) in
                try Checkpoint.load(r, graph: c.graph, train: train, settings: settings)
            }
        } else if let i = c.initPath {
            start = try wrap { () throws(IOError) in
                try Checkpoint.weights(i, graph: c.graph, train: train, settings: settings)
            }
        } else { start = nil }
        var loop: TrainingLoop<T>
        do {
            loop = try TrainingLoop(graph: c.graph, train: train, test: source.test, settings: settings,
                                    start: start)
        } catch { throw .eval(error) }
        loop.setProbes(c.breakOn, stops: c.breakOn.map { _ in true })
        loop.prepare()   // the executor for these probes, made before any update is timed
        let first = loop.state.step
        let stepsPerEpoch = loop.updatesPerEpoch
        // Saturating: a huge --epochs or --steps means "until the other stops it", not an overflow.
        let byEpochs = c.epochs.multipliedReportingOverflow(by: stepsPerEpoch)
        let bySteps = c.steps.map { first.addingReportingOverflow($0) }
        let planned = min(byEpochs.overflow ? Int.max : byEpochs.partialValue,
                          bySteps.map { $0.overflow ? Int.max : $0.partialValue } ?? Int.max)
        // The update to trace, numbered as the log numbers them: this run's first unless --trace-step says.
        let traceAt = c.tracePath == nil ? nil : c.traceStep ?? first + 1
        if let k = traceAt, k <= first || k - 1 > planned {
            let last = planned == Int.max ? planned : planned + 1
            let what = k <= first ? "update \(k) was made before the checkpoint this run resumes (at update \(first))"
                                  : "update \(k) is past the end of this run (update \(last) is the last it reaches)"
            throw .usage(flag: "--trace-step", message: "\(what); expected \(first + 1) to \(last)")
        }
        let log = try c.logPath.map { p throws(Failure) in
            try wrap { () throws(IOError) in try LineAppender(path: p) }
        }
        /// `extra`: more metadata (a breakpoint bundle's).
        func checkpoint(_ path: String, extra: [(String, String)] = []) throws(Failure) {
            loop.sync()
            let bytes = Checkpoint.encoded(loop, extra: extra)
            try wrap { () throws(IOError) in try AtomicFile.write(bytes, to: path) }
        }
        let checkpointPath = c.savePath ?? "checkpoint.safetensors"
        /// The run as it stood before the update a breakpoint stopped: a checkpoint (resume it to
        /// reproduce the step) that also says what held, where, and on which examples.
        func bundle(_ path: String, _ b: LoopEvent.Breakpoint) throws(Failure) {
            let batch = loop.nextBatch
            var extra: [(String, String)] = [("break_predicate", b.predicate), ("break_update", "\(b.update)"),
                                             ("break_epoch", "\(b.epoch)"),
                                             ("break_minibatch", batch.map(String.init).joined(separator: ","))]
            if let v = b.value { extra.append(("break_value", "\(v)")) }
            if let o = b.origin {
                extra += [("break_origin", o.text), ("break_origin_node", loop.graph.nodes[o.node].name),
                          ("break_origin_step", "\(o.step)"), ("break_passed_on", "\(o.passedOn)")]
            }
            try checkpoint(path, extra: extra)
        }
        func trace(_ path: String) throws(Failure) {
            loop.sync()
            let batch = loop.nextBatch
            try writeTrace(path, loop, batch: batch, arranged: loop.arranged(batch), update: loop.state.step + 1,
                           epoch: loop.state.epoch)
        }

        var progress = Progress(total: planned)
        var trainSeconds = 0.0, epochSeconds = 0.0, epochSamples = 0, totalSamples = 0
        var firstStepAt: Double? = nil
        var last = (acc: Double.nan, test: Double?.none)
        /// Runs a measurement under way to its end; an epoch's record is reported.
        func measure() throws(Failure) {
            guard case let .measured(acc, record)? = loop.finishMeasurement() else { return }
            last = (acc.train ?? .nan, acc.test)
            guard let record else { return }
            try report(record, samples: epochSamples, seconds: epochSeconds, accuracy: last, log: log)
            epochSamples = 0; epochSeconds = 0
        }
        Signals.install()
        while loop.state.step < planned || loop.state.isMeasuring {
            if loop.state.isMeasuring { try measure(); continue }
            if loop.state.step + 1 == traceAt, let t = c.tracePath { try trace(t) }
            let t0 = DispatchTime.now().uptimeNanoseconds
            let event = loop.advance()
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            let u: LoopEvent.Update
            switch event {
            case .updated(let x): u = x
            case let .diverged(update, _, tensor, origin):
                progress.finish()
                throw .diverged(step: update, tensor: tensor, origin: origin?.summary)
            case .breakpoint(let b):
                progress.finish()
                if let path = c.breakBundlePath { try bundle(path, b) }
                throw .breakpoint(b.line)
            case .failed(let message): progress.finish(); throw .usage(flag: "--graph", message: message)
            case .measuring, .measured: continue
            }
            if firstStepAt == nil { firstStepAt = Date().timeIntervalSince(startTime) }
            trainSeconds += dt; epochSeconds += dt; epochSamples += u.m; totalSamples += u.m
            if let every = c.logEvery, u.step % every == 0, let log {
                try writeLog(log, epoch: u.epoch, step: u.step, J: u.J, JMLE: u.JMLE, train: nil, test: nil,
                             sps: Double(epochSamples) / max(epochSeconds, 1e-9),
                             seconds: Date().timeIntervalSince(startTime))
            }
            if let every = c.checkpointEvery, u.step % every == 0 { try checkpoint(checkpointPath) }
            progress.update(step: u.step, done: u.step)
            let sig = Signals.pending
            if sig != 0 {
                progress.finish()
                if c.savePath != nil || c.checkpointEvery != nil {
                    try checkpoint(checkpointPath)
                    say("checkpoint written to \(checkpointPath) at step \(u.step)")
                }
                throw .interrupted(signal: sig)
            }
        }
        // A run that stops inside an epoch (--steps) still says how accurate it ended.
        if c.steps != nil && loop.state.sums.batches > 0 { loop.requestMeasurement(); try measure() }
        // The update that would come next (e.g. --steps 0).
        if loop.state.step + 1 == traceAt, let t = c.tracePath { try trace(t) }
        progress.finish()
        if let s = c.savePath { try checkpoint(s) }
        summary(steps: loop.state.step, samples: totalSamples, trainSeconds: trainSeconds, firstStep: firstStepAt,
                last: last)
    }

    /// The end-of-epoch line on stdout and in the log.
    func report(_ r: LoopEvent.EpochRecord, samples: Int, seconds: Double, accuracy: (acc: Double, test: Double?),
                log: LineAppender?) throws(Failure) {
        let (acc, test) = accuracy
        let sps = Double(samples) / max(seconds, 1e-9)
        say(String(format: "epoch %3d  step %6d  J %.4f  J_MLE %.4f  train_acc %.4f  test_acc %@  %8.0f samples/s",
                   r.epoch, r.step, r.J, r.JMLE, acc, test.map { String(format: "%.4f", $0) } ?? "  -   ", sps))
        if let log { try writeLog(log, epoch: r.epoch, step: r.step, J: r.J, JMLE: r.JMLE, train: acc, test: test,
                                   sps: sps, seconds: Date().timeIntervalSince(startTime)) }
    }

    func writeLog(_ log: LineAppender, epoch: Int, step: Int, J: Double, JMLE: Double, train: Double?, test: Double?,
                  sps: Double, seconds: Double) throws(Failure) {
        let record = LogRecord(epoch: epoch, step: step, J: J, JMLE: JMLE, trainAccuracy: train, testAccuracy: test,
                               samplesPerSecond: sps, seconds: seconds)
        try wrap { () throws(IOError) in try log.append(record.line) }
    }

    /// The trace of the update about to be made on `batch` (examples in the epoch's order), which
    /// the trainer takes `arranged` (`MinibatchOrder`). The engine runs on the arranged rows, as the
    /// trainer does, so every tensor is what the update computes, bit for bit; the trace then puts the
    /// minibatch's rows back in the epoch's order. Its `minibatch.sum_order` says in which order of
    /// those rows the sums over the minibatch ran (recomputing in that order gives the same bits).
    func writeTrace(_ path: String, _ loop: TrainingLoop<T>, batch: ArraySlice<Int>, arranged: [Int],
                    update: Int, epoch: Int) throws(Failure) {
        let (X, y): (Matrix<T>, Matrix<T>) = train.matrix(rows: Array(arranged))
        var bindings = ["X": X, "y": y]
        for (p, v) in zip(loop.parameters, loop.state.params) {
            bindings[p.name] = Matrix(rows: p.shape.rows, cols: p.shape.cols, v)
        }
        let (back, sumOrder) = MinibatchOrder.rows(Array(batch), arranged: arranged)
        do {
            let e = try Engine<T>(graph: loop.graph, constants: ["λ": T(config.lambda), "k": T(train.classes)])
            var s = try e.start(bindings)
            try e.run(&s)
            let rows: [(name: String, tensor: StoredTensor)] = [
                ("minibatch.examples", StoredTensor(batch.map { Int64($0) }, shape: [batch.count])),
                ("minibatch.sum_order", StoredTensor(sumOrder.map { Int64($0) }, shape: [sumOrder.count])),
            ]
            let file = SafeTensors(tensors: Trace.tensors(s, engine: e, rows: back) + rows,
                                   metadata: [("format", "backprop-tui trace 1"), ("data", train.name),
                                              ("data_sha256", train.digest),
                                              ("update", "\(update)"), ("epoch", "\(epoch + 1)")]
                                       + config.settings.identity(precision: T.precisionName))
            try wrap { () throws(IOError) in try AtomicFile.write(file.encoded(), to: path) }
        } catch let e as EvalError { throw .eval(e) } catch let f as Failure { throw f } catch {
            throw .usage(flag: "--trace", message: "\(error)")
        }
    }

    func summary(steps: Int, samples: Int, trainSeconds: Double, firstStep: Double?,
                 last: (acc: Double, test: Double?)) {
        let engine = try! Engine<T>(graph: config.graph, constants: ["λ": T(config.lambda), "k": T(train.classes)])
        let m = config.batchSize
        let parameters = config.graph.parameterShapes(d: train.d, k: train.classes, h: config.hidden)
        let leaves = config.graph.leafShapes(m: m, d: train.d, k: train.classes, h: config.hidden)
        let cost = engine.cost(leafShapes: leaves)!
        let w = parameters.reduce(0) { $0 + $1.shape.count }
        let model = config.graph == Figure611.graph ? "\(train.d)-\(config.hidden)-\(train.classes)"
            : "graph of \(parameters.count) parameters (\(listing(parameters)))"
        say("summary: data \(train.name) (\(train.count) examples, d=\(train.d), k=\(train.classes)), model "
            + "\(model), \(T.precisionName), \(config.threads) thread\(config.threads == 1 ? "" : "s")")
        say(String(format: "summary: %d steps, %d samples in %.2f s of training = %.0f samples/s; first step at %.3f s "
                           + "(data loaded in %.3f s)",
                   steps, samples, trainSeconds, Double(samples) / max(trainSeconds,
                       1e-9), firstStep ?? 0, loadSeconds))
        if !last.acc.isNaN {
            say(String(format: "summary: train_acc %.4f  test_acc %@", last.acc,
                       last.test.map { String(format: "%.4f", $0) } ?? "-"))
        }
        say("summary: cost per step (m=\(m), w=\(w)): forward \(cost.forward) multiply-adds (matmuls "
            + "\(cost.forwardMatmul) = m·w), backward \(cost.backward); bytes kept for backward \(cost.bytesKept) "
              + "(what the backward rules read: O(m·n_h))")
    }
}

/// Lifts an I/O error into a Failure.
func wrap<R>(_ body: () throws(IOError) -> R) throws(Failure) -> R {
    do { return try body() } catch { throw .io(error) }
}
