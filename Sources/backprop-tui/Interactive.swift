import BackpropCore
import BackpropExplorer
import BackpropIO
import Foundation
import BackpropData
import BackpropTraining

/// The interactive modes: a live exploration (optionally recorded), a replay, and the headless
/// session tools (--verify, --export-cast), which need no terminal.
enum Interactive {
    static func run(_ o: Options) throws(Failure) {
        // A bundle holds its run's settings and graph: the TUI opens as they say.
        var o = o
        let bundle = try o.open.map { path throws(Failure) in try BreakBundle.load(path) }
        if let b = bundle { b.apply(to: &o) }
        // A graph file is checked before anything else, so its errors show without a terminal.
        let graphFile = try o.graph.map { path throws(Failure) in try GraphFile.load(path) }
        let graphText = graphFile?.text ?? bundle?.graphText
        if let path = o.replay {
            if o.verify || o.exportCast != nil {
                let (file, start) = try SessionLoader.load(path, dataOverride: o.data == "spiral" ? nil : o.data,
                                                          threads: BackpropTUI.threadCount(o.threads, quiet: true))
                if o.verify { try verify(path, file, start) } else if let out = o.exportCast {
                    try CastExport.write(file, start: start, to: out)
                }
                return
            }
            let term = try Terminal()
            defer { term.close() }
            term.notice("loading \(path) …")
            let (file, start) = try SessionLoader.load(path, dataOverride: o.data == "spiral" ? nil : o.data,
                                                      threads: BackpropTUI.threadCount(o.threads, quiet: true))
            // A branch recorded from a replay keeps the session's title and description.
            let app = try App(term: term, start: start, replay: Replay(file: file, start: start), recordPath: o.record,
                              title: o.title ?? file.header.title.map { $0 + " (branch)" }, description: o.description
                                  ?? file.header.description)
            try app.run()
            return
        }
        // The first frame comes at once and loading (Fashion-MNIST takes about half a second) follows;
        // with a graph file the data are loaded first, so that every error in the graph (a loss that
        // is not 1×1 for these data, shapes that do not fit) shows before a terminal is needed; so
        // with a checkpoint or weights to start from.
        var term: Terminal? = nil
        defer { term?.close() }
        if graphText == nil && o.resume == nil && o.`init` == nil && bundle == nil {
            term = try Terminal()
            term?.notice("loading \(o.data) …")
        }
        let source = try wrap { () throws(IOError) in
            try DataSource.load(o.data, testData: o.testData, precision: o.arithmetic)
        }
        let batch = o.minibatchSize
        if batch > source.train.count {
            throw .usage(flag: "--batch-size",
                         message: "\(batch) is larger than the \(source.train.count) training examples; expected at "
                                  + "most \(source.train.count)")
        }
        let (d, k) = (source.train.d, source.train.classes)
        if let (g, text) = graphFile, let path = o.graph {
            try GraphFile.checkShapes(g, text: text, path: path, d: d, k: k, h: o.hiddenUnits, m: batch)
        }
        let threads = BackpropTUI.threadCount(o.threads, quiet: true)
        try BackpropTUI.checkMemory(ExplorerState.bytesNeeded(d: d, hidden: o.hiddenUnits, classes: k, batch: batch)
                                    + BackpropTUI.trainerBytes(o, d: d, k: k, threads: threads), o,
                                    what: "\(d)-\(o.hiddenUnits)-\(k), m = \(batch)")
        let config = ExplorerConfig(data: o.data, dataDigest: source.train.digest, hidden: o.hiddenUnits,
                                    batchSize: batch, lr: o.learningRate, lambda: o.weightDecay, seed: o.seed,
                                    graph: graphText, precision: o.arithmetic, rng: o.generator,
                                    shuffle: !o.noShuffle, initScheme: o.initScheme)
        let begin = try startingLoop(o, config: config, source: source, threads: threads)
        var start: ExplorerState
        do {
            start = try ExplorerState(config: config, train: source.train, test: source.test, threads: threads,
                                      start: begin)
        } catch {
            throw .eval(error)
        }
        if let b = bundle { try b.open(&start) }
        let screen: Terminal
        if let term { screen = term } else { screen = try Terminal(); term = screen }
        try App(term: screen, start: start, replay: nil, recordPath: o.record, title: o.title,
                description: o.description).run()
    }

    /// The loop of `--resume FILE` (a checkpoint) or `--init FILE` (weights), in the run's precision; nil
    /// for a fresh one.
    static func startingLoop(_ o: Options, config c: ExplorerConfig, source: DataSource,
                             threads: Int) throws(Failure) -> AnyTrainingLoop? {
        guard o.resume != nil || o.`init` != nil else { return nil }
        let graph: Graph
        if let text = c.graph {
            do throws(ExplorerError) { graph = try ExplorerConfig.graph(from: text) } catch {
                throw .usage(flag: "--graph", message: error.message)
            }
        } else { graph = Figure611.graph }
        let settings = c.settings(threads: threads)
        func loop<T: Real>(_: T.Type) throws(Failure) -> TrainingLoop<T> {
            let state: LoopState<T> = try wrap { () throws(IOError) in
                if let r = o.resume {
                    return try Checkpoint.load(r, graph: graph, train: source.train, settings: settings)
                }
                return try Checkpoint.weights(o.`init`!, graph: graph, train: source.train, settings: settings)
            }
            do { return try TrainingLoop(graph: graph, train: source.train, test: source.test, settings: settings,
                                         start: state) } catch { throw .eval(error) }
        }
        switch c.precision {
        case .float32: return .float32(try loop(Float.self))
        case .float64: return .float64(try loop(Double.self))
        }
    }

    /// Re-executes a session headlessly and checks every digest.
    static func verify(_ path: String, _ file: Session.File, _ start: ExplorerState) throws(Failure) {
        Signals.install()
        Signals.endWithin(1) {}
        var progress = Progress(total: file.lines.count, unit: "lines")
        let mismatch = Replay.verify(file: file, start: start) { i in
            progress.update(step: i, done: i)
            return Signals.pending == 0
        }
        progress.finish()
        if Signals.pending != 0 { throw .interrupted(signal: Signals.pending) }
        if let m = mismatch {
            func j(_ d: Session.Digest) -> String { d.J.map { "\($0)" } ?? "none" }
            // A session from another version can differ for that reason alone (0.5.0 changed the order of sums).
            let sameTool = [Session.toolVersion, "unknown"].contains(file.header.tool)
            let recordedBy = sameTool ? ""
                : "; the session was recorded by \(file.header.tool), this is \(Session.toolVersion)"
            throw .mismatch(file: path,
                            message: "line \(m.line): digest mismatch: expected \(m.expected.sha256.prefix(16))… (J "
                                     + "\(j(m.expected)), step \(m.expected.position), update \(m.expected.updates)), "
                                       + "got \(m.actual.sha256.prefix(16))… (J \(j(m.actual)), step "
                                         + "\(m.actual.position), update \(m.actual.updates))" + recordedBy)
        }
        let digests = file.lines.filter { if case .digest = $0 { return true }; return false }.count
        let actions = file.lines.filter { if case .action = $0 { return true }; return false }.count
        // A recorded quiz: its score, checked by the digests above.
        let score = file.lines.reversed().lazy.compactMap { l -> String? in
            if case .digest(_, let d) = l { d.quiz } else { nil }
        }.first
        print("\(path): ok: \(actions) actions replayed, \(digests) digests match"
              + (score.map { "; quiz \($0)" } ?? ""))
    }
}
