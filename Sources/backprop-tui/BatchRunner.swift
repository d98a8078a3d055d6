import BackpropCore
import BackpropIO
import BackpropKernels
import Foundation
import BackpropData

/// Headless training of Figure 6.11 with the fused trainer, in precision T.
struct BatchRunner<T: Real> {
    let config: RunConfig
    let source: DataSource
    let loadSeconds: Double
    let startTime: Date

    var train: Dataset { source.train }

    func say(_ s: String) { print(s); fflush(nil) }

    /// The next epoch's order (the data's own with --no-shuffle, which draws nothing).
    static func permutation(_ n: Int, rng: inout any RandomSource, shuffle: Bool) -> [Int] {
        shuffle ? rng.permutation(n) : Array(0..<n)
    }

    func run() throws(Failure) {
        let c = config, d = train.d, k = train.classes, n = train.count
        // Where training starts: fresh, from --init, or resumed.
        var W1: Matrix<T>, W2: Matrix<T>
        var step = 0, epoch = 0, position = 0
        var epochRNG = c.rng.orders(seed: c.seed)
        var sums = (J: 0.0, JMLE: 0.0, batches: 0)
        if let r = c.resumePath {
            let w = try wrap { () throws(IOError) in try WeightsFile<T>.load(r, d: d, hidden: c.hidden, classes: k) }
            guard w.meta("format") == "backprop-tui checkpoint 1" else {
                throw .io(IOError(r, "not a backprop-tui checkpoint; "
                                     + "expected one written by --save or --checkpoint-every"))
            }
            guard w.meta("data_sha256") == train.digest else {
                throw .io(IOError(r,
                                  "made on data with digest \(w.meta("data_sha256") ?? "?"); expected \(train.digest) "
                                  + "(\(train.name))"))
            }
            for (key, value) in c.identity(precision: T.precisionName) {
                // Checkpoints from before --rng have no "rng": theirs was xoshiro.
                let recorded = w.meta(key) ?? (key == "rng" ? RandomKind.xoshiro.rawValue : "?")
                if recorded != value {
                    throw .io(IOError(r,
                                      "made with \(key) = \(recorded); this run has \(value) (give the same flags to "
                                      + "resume)"))
                }
            }
            func hex(_ key: String) -> UInt64? { w.meta(key).flatMap { UInt64($0, radix: 16) } }
            guard let s = w.meta("step").flatMap(Int.init), let e = w.meta("epoch").flatMap(Int.init),
                  let p = w.meta("position").flatMap(Int.init),
                  let words = w.meta("epoch_rng")?.split(separator: ",").compactMap({ UInt64($0, radix: 16) }),
                  let orders = c.rng.orders(words: words), let js = hex("epoch_J_sum"), let jm = hex("epoch_JMLE_sum"),
                  let nb = w.meta("epoch_batches").flatMap(Int.init) else {
                throw .io(IOError(r, "checkpoint metadata is incomplete; expected step, epoch, position and epoch_rng"))
            }
            // Every counter in range before it is used (a file may say anything).
            let most = 1 << 52
            for (key, value, range) in [("step", s, 0...most), ("epoch", e, 0...most), ("position", p, 0...n),
                                        ("epoch_batches", nb, 0...most)] where !range.contains(value) {
                throw .io(IOError(r, "checkpoint \(key) is \(value); "
                                     + "expected \(range.lowerBound) to \(range.upperBound)"))
            }
            (W1, W2, step, epoch, position) = (w.W1, w.W2, s, e, p)
            epochRNG = orders
            sums = (Double(bitPattern: js), Double(bitPattern: jm), nb)
        } else if let i = c.initPath {
            let w = try wrap { () throws(IOError) in try WeightsFile<T>.load(i, d: d, hidden: c.hidden, classes: k) }
            (W1, W2) = (w.W1, w.W2)
        } else {
            (W1, W2) = c.rng.weights(c.initScheme, d: d, hidden: c.hidden, classes: k, seed: c.seed)
        }
        var rng = epochRNG
        var perm = Self.permutation(n, rng: &rng, shuffle: c.shuffle)

        let stepsPerEpoch = (n + c.batchSize - 1) / c.batchSize
        // Saturating: a huge --epochs or --steps means "until the other stops it", not an overflow.
        let byEpochs = c.epochs.multipliedReportingOverflow(by: stepsPerEpoch)
        let bySteps = c.steps.map { step.addingReportingOverflow($0) }
        let planned = min(byEpochs.overflow ? Int.max : byEpochs.partialValue,
                          bySteps.map { $0.overflow ? Int.max : $0.partialValue } ?? Int.max)
        var arrangement = MinibatchOrder(train, maxBatch: c.batchSize)
        var testArrangement: MinibatchOrder? = nil   // made at the first evaluation, not before the first step
        // The update to trace, numbered as the log numbers them: this run's first unless --trace-step says.
        let traceAt = c.tracePath == nil ? nil : c.traceStep ?? step + 1
        if let k = traceAt, k <= step || k - 1 > planned {
            let last = planned == Int.max ? planned : planned + 1
            let what = k <= step ? "update \(k) was made before the checkpoint this run resumes (at update \(step))"
                                 : "update \(k) is past the end of this run (update \(last) is the last it reaches)"
            throw .usage(flag: "--trace-step", message: "\(what); expected \(step + 1) to \(last)")
        }

        let trainer = FusedTrainer<T>(d: d, nh: c.hidden, k: k, maxBatch: c.batchSize, W1: W1.storage, W2: W2.storage,
                                      learningRate: T(c.lr), lambda: T(c.lambda), threads: c.threads)
        let log = try c.logPath.map { p throws(Failure) in
            try wrap { () throws(IOError) in try LineAppender(path: p) }
        }

        func checkpoint(_ path: String) throws(Failure) {
            var meta: [(String, String)] = [("format", "backprop-tui checkpoint 1"), ("data", train.name),
                                            ("data_sha256", train.digest),
                                             ("d", "\(d)"), ("classes", "\(k)")]
            meta += c.identity(precision: T.precisionName)
            meta += [("step", "\(step)"), ("epoch", "\(epoch)"), ("position", "\(position)"),
                     ("epoch_rng", epochRNG.words.map { String($0, radix: 16) }.joined(separator: ",")),
                     ("epoch_J_sum", String(sums.J.bitPattern, radix: 16)), ("epoch_JMLE_sum",
                         String(sums.JMLE.bitPattern, radix: 16)),
                     ("epoch_batches", "\(sums.batches)")]
            let file = WeightsFile<T>(W1: Matrix(rows: d, cols: c.hidden, trainer.W1),
                                      W2: Matrix(rows: c.hidden, cols: k, trainer.W2), metadata: meta)
            try wrap { () throws(IOError) in try AtomicFile.write(file.encoded(), to: path) }
        }
        let checkpointPath = c.savePath ?? "checkpoint.safetensors"

        var progress = Progress(total: planned)
        var trainSeconds = 0.0, epochSeconds = 0.0, epochSamples = 0, totalSamples = 0
        var firstStepAt: Double? = nil
        var last = (acc: Double.nan, test: Double?.none)
        /// End of an epoch: evaluate, report, and start the next with a fresh order.
        func endEpoch() throws(Failure) {
            last = evaluate(trainer, orders: &arrangement, &testArrangement)
            try report(epoch: epoch, step: step, sums: sums, samples: epochSamples, seconds: epochSeconds,
                       accuracy: last, log: log)
            epoch += 1; position = 0; sums = (0, 0, 0); epochSamples = 0; epochSeconds = 0
            epochRNG = rng
            perm = Self.permutation(n, rng: &rng, shuffle: c.shuffle)
        }
        Signals.install()
        while step < planned {
            if position >= n { try endEpoch(); continue }
            let m = min(c.batchSize, n - position)
            let t0 = DispatchTime.now().uptimeNanoseconds
            let rows = arrangement.arrange(perm[position..<(position + m)])
            if step + 1 == traceAt, let t = c.tracePath {
                try writeTrace(t, trainer, batch: perm[position..<(position + m)], arranged: rows, update: step + 1,
                               epoch: epoch)
            }
            let next = perm[min(n, position + m)..<min(n, position + 2 * m)]
            let result = trainer.step(on: train, rows: rows, next: next)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if firstStepAt == nil { firstStepAt = Date().timeIntervalSince(startTime) }
            trainSeconds += dt; epochSeconds += dt; epochSamples += m; totalSamples += m
            if let bad = result.nonFinite {
                progress.finish()
                throw .diverged(step: step + 1, tensor: bad)
            }
            step += 1; position += m
            sums.J += Double(result.J); sums.JMLE += Double(result.JMLE); sums.batches += 1
            if let every = c.logEvery, step % every == 0, let log {
                try writeLog(log, epoch: epoch + 1, step: step, J: Double(result.J), JMLE: Double(result.JMLE),
                             train: nil, test: nil,
                             sps: Double(epochSamples) / max(epochSeconds, 1e-9),
                             seconds: Date().timeIntervalSince(startTime))
            }
            if let every = c.checkpointEvery, step % every == 0 { try checkpoint(checkpointPath) }
            progress.update(step: step, done: step)
            let sig = Signals.pending
            if sig != 0 {
                progress.finish()
                if c.savePath != nil || c.checkpointEvery != nil {
                    try checkpoint(checkpointPath)
                    say("checkpoint written to \(checkpointPath) at step \(step)")
                }
                throw .interrupted(signal: sig)
            }
        }
        if position >= n && sums.batches > 0 {
            try endEpoch()
        } else if sums.batches > 0 && c.steps != nil {
            last = evaluate(trainer, orders: &arrangement, &testArrangement)
        }
        if step + 1 == traceAt, let t = c.tracePath {   // the update that would come next (e.g. --steps 0)
            let m = min(c.batchSize, n - position)
            let batch = perm[position..<(position + m)]
            try writeTrace(t, trainer, batch: batch, arranged: arrangement.arrange(batch), update: step + 1,
                           epoch: epoch)
        }
        progress.finish()
        if let s = c.savePath { try checkpoint(s) }
        summary(steps: step, samples: totalSamples, trainSeconds: trainSeconds, firstStep: firstStepAt, last: last)
    }

    /// Accuracy on the training and the test data. Each chunk of examples is arranged as training
    /// arranges a minibatch, so that X W1 leaves out the zero pixels of whole tiles (a prediction does
    /// not depend on the order; the evaluations of two epochs took 0.53 s instead of 0.63 at one thread).
    func evaluate(_ t: FusedTrainer<T>, orders trainOrder: inout MinibatchOrder,
                  _ testOrder: inout MinibatchOrder?) -> (acc: Double, test: Double?) {
        var chunk: [Int] = []
        func accuracy(_ ds: Dataset, _ order: inout MinibatchOrder) -> Double {
            t.evaluate(count: ds.count) { start, m, x, y in
                chunk.removeAll(keepingCapacity: true)
                chunk.append(contentsOf: start..<(start + m))
                ds.gather(order.arrange(chunk[...]), rows: 0..<m, x: x, y: y)
            }
        }
        let a = accuracy(train, &trainOrder)
        guard let test = source.test else { return (a, nil) }
        var order = testOrder ?? MinibatchOrder(test, maxBatch: config.batchSize)
        defer { testOrder = order }
        return (a, accuracy(test, &order))
    }

    /// The end-of-epoch line on stdout and in the log.
    func report(epoch: Int, step: Int, sums: (J: Double, JMLE: Double, batches: Int), samples: Int, seconds: Double,
                accuracy: (acc: Double, test: Double?), log: LineAppender?) throws(Failure) {
        let (acc, test) = accuracy
        let J = sums.J / Double(max(sums.batches, 1)), JMLE = sums.JMLE / Double(max(sums.batches, 1))
        let sps = Double(samples) / max(seconds, 1e-9)
        say(String(format: "epoch %3d  step %6d  J %.4f  J_MLE %.4f  train_acc %.4f  test_acc %@  %8.0f samples/s",
                   epoch + 1, step, J, JMLE, acc, test.map { String(format: "%.4f", $0) } ?? "  -   ", sps))
        if let log { try writeLog(log, epoch: epoch + 1, step: step, J: J, JMLE: JMLE, train: acc, test: test, sps: sps,
                                   seconds: Date().timeIntervalSince(startTime)) }
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
    func writeTrace(_ path: String, _ trainer: FusedTrainer<T>, batch: ArraySlice<Int>, arranged: ArraySlice<Int>,
                    update: Int, epoch: Int) throws(Failure) {
        let (d, k, nh) = (train.d, train.classes, config.hidden)
        let W1 = Matrix(rows: d, cols: nh, trainer.W1), W2 = Matrix(rows: nh, cols: k, trainer.W2)
        let (X, y): (Matrix<T>, Matrix<T>) = train.matrix(rows: Array(arranged))
        var position: [Int: Int] = [:]   // example → its row in the arranged minibatch
        for (r, e) in arranged.enumerated() { position[e] = r }
        let back = batch.map { position[$0]! }
        var sumOrder = [Int](repeating: 0, count: back.count)
        for (u, r) in back.enumerated() { sumOrder[r] = u }
        do {
            let e = try Engine<T>(graph: Figure611.graph, constants: ["λ": T(config.lambda)])
            var s = try e.start(["X": X, "y": y, "W1": W1, "W2": W2])
            try e.run(&s)
            let rows: [(name: String, tensor: StoredTensor)] = [
                ("minibatch.examples", StoredTensor(batch.map { Int64($0) }, shape: [batch.count])),
                ("minibatch.sum_order", StoredTensor(sumOrder.map { Int64($0) }, shape: [sumOrder.count])),
            ]
            let file = SafeTensors(tensors: Trace.tensors(s, engine: e, rows: back) + rows,
                                   metadata: [("format", "backprop-tui trace 1"), ("data", train.name),
                                              ("data_sha256", train.digest),
                                              ("update", "\(update)"), ("epoch", "\(epoch + 1)")]
                                       + config.identity(precision: T.precisionName))
            try wrap { () throws(IOError) in try AtomicFile.write(file.encoded(), to: path) }
        } catch let e as EvalError { throw .eval(e) } catch let f as Failure { throw f } catch {
            throw .usage(flag: "--trace", message: "\(error)")
        }
    }

    func summary(steps: Int, samples: Int, trainSeconds: Double, firstStep: Double?,
                 last: (acc: Double, test: Double?)) {
        let engine = try! Engine<T>(graph: Figure611.graph, constants: ["λ": T(config.lambda)])
        let m = config.batchSize
        let cost = engine.cost(leafShapes: ["X": Shape(m, train.d), "W1": Shape(train.d, config.hidden),
                                            "W2": Shape(config.hidden, train.classes), "y": Shape(m, 1)])!
        let w = train.d * config.hidden + config.hidden * train.classes
        say("summary: data \(train.name) (\(train.count) examples, d=\(train.d), k=\(train.classes)), model "
            + "\(train.d)-\(config.hidden)-\(train.classes), \(T.precisionName), \(config.threads) "
              + "thread\(config.threads == 1 ? "" : "s")")
        say(String(format: "summary: %d steps, %d samples in %.2f s of training = %.0f samples/s; first step at %.3f s "
                           + "(data loaded in %.3f s)",
                   steps, samples, trainSeconds, Double(samples) / max(trainSeconds,
                       1e-9), firstStep ?? 0, loadSeconds))
        if !last.acc.isNaN {
            say(String(format: "summary: train_acc %.4f  test_acc %@", last.acc,
                       last.test.map { String(format: "%.4f", $0) } ?? "-"))
        }
        say("summary: cost per step (m=\(m), w=\(w)): forward \(cost.forward) multiply-adds (matmuls "
            + "\(cost.forwardMatmul) = m·w), backward \(cost.backward); bytes kept for backward \(cost.bytesKept) (U1, "
              + "H, G: O(m·n_h))")
    }
}

/// Lifts an I/O error into a Failure.
func wrap<R>(_ body: () throws(IOError) -> R) throws(Failure) -> R {
    do { return try body() } catch { throw .io(error) }
}
