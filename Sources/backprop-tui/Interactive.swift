import BackpropCore
import BackpropExplorer
import BackpropIO
import Foundation
import BackpropData

/// The interactive modes: a live exploration (optionally recorded), a replay, and the headless
/// session tools (--verify, --export-cast), which need no terminal.
enum Interactive {
    static func run(_ o: Options) throws(Failure) {
        if o.replay == nil {
            if o.verify { throw .usage(flag: "--verify", message: "needs --replay FILE; expected --replay FILE --verify") }
            if o.exportCast != nil { throw .usage(flag: "--export-cast", message: "needs --replay FILE; expected --replay FILE --export-cast OUT.cast") }
        }
        if let h = o.hidden, !(1...4096).contains(h) { throw .usage(flag: "--hidden", message: "\(h) is not allowed; expected a whole number from 1 to 4096") }
        if let b = o.batchSize, b < 1 { throw .usage(flag: "--batch-size", message: "\(b) is not allowed; expected a whole number ≥ 1") }
        if let lr = o.lr, !(lr >= 0 && lr.isFinite) { throw .usage(flag: "--lr", message: "\(lr) is not allowed; expected a finite number ≥ 0") }
        if let l = o.lambda, !(l >= 0 && l.isFinite) { throw .usage(flag: "--lambda", message: "\(l) is not allowed; expected a finite number ≥ 0") }
        // Sessions replay from the seed through xoshiro256**; numpy's stream is for --batch.
        if let r = o.rng, r != RandomKind.xoshiro.rawValue {
            throw .usage(flag: "--rng", message: "'\(inert(r))' is for --batch; the TUI draws from xoshiro (its sessions replay that stream)")
        }
        // A graph file is checked before anything else, so its errors show without a terminal.
        let graphText = try o.graph.map { path throws(Failure) in try loadGraph(path) }
        if o.replay != nil && o.graph != nil { throw .usage(flag: "--graph", message: "cannot be combined with --replay (a session names its own graph)") }
        if let path = o.replay {
            if o.verify && o.exportCast != nil { throw .usage(flag: "--verify", message: "cannot be combined with --export-cast; expected one of them") }
            if o.verify || o.exportCast != nil {
                let (file, start) = try SessionLoader.load(path, dataOverride: o.data == "spiral" ? nil : o.data)
                if o.verify { try verify(path, file, start) } else if let out = o.exportCast { try CastExport.write(file, start: start, to: out) }
                return
            }
            let term = try Terminal()
            defer { term.close() }
            term.notice("loading \(path) …")
            let (file, start) = try SessionLoader.load(path, dataOverride: o.data == "spiral" ? nil : o.data)
            // A branch recorded from a replay keeps the session's title and description.
            let app = try App(term: term, start: start, replay: Replay(file: file, start: start), recordPath: o.record,
                              title: o.title ?? file.header.title.map { $0 + " (branch)" }, description: o.description ?? file.header.description)
            try app.run()
            return
        }
        // The first frame comes at once; loading (Fashion-MNIST takes about half a second) follows.
        let term = try Terminal()
        defer { term.close() }
        term.notice("loading \(o.data) …")
        let source = try wrap { () throws(IOError) in try DataSource.load(o.data, testData: o.testData) }
        let batch = o.batchSize ?? ExplorerConfig.defaultBatch
        if batch > source.train.count {
            throw .usage(flag: "--batch-size", message: "\(batch) is larger than the \(source.train.count) training examples; expected at most \(source.train.count)")
        }
        let config = ExplorerConfig(data: o.data, dataDigest: source.train.digest, hidden: o.hidden ?? ExplorerConfig.defaultHidden,
                                    batchSize: batch, lr: o.lr ?? (o.isSpiral ? ExplorerConfig.defaultLR : 0.1),
                                    lambda: o.lambda ?? ExplorerConfig.defaultLambda, seed: o.seed, graph: graphText)
        let start: ExplorerState
        do { start = try ExplorerState(config: config, train: source.train, test: source.test) } catch { throw .eval(error) }
        try App(term: term, start: start, replay: nil, recordPath: o.record, title: o.title, description: o.description).run()
    }

    /// Reads and checks `--graph FILE`: graph text over X, y, W1, W2 (errors give line:column).
    static func loadGraph(_ path: String) throws(Failure) -> String {
        let bytes = try wrap { () throws(IOError) in try FileBytes.read(path, limit: 1 << 20) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .io(IOError(path, "not UTF-8 text; expected graph text")) }
        do throws(ExplorerError) { _ = try ExplorerConfig.graph(from: text) } catch { throw .io(IOError(path, error.message)) }
        return text
    }

    /// Re-executes a session headlessly and checks every digest.
    static func verify(_ path: String, _ file: Session.File, _ start: ExplorerState) throws(Failure) {
        if let m = Replay.verify(file: file, start: start) {
            func j(_ d: Session.Digest) -> String { d.J.map { "\($0)" } ?? "none" }
            // A session from another version can differ for that reason alone (0.5.0 changed the order of sums).
            let recordedBy = [Session.toolVersion, "unknown"].contains(file.header.tool) ? "" : "; the session was recorded by \(file.header.tool), this is \(Session.toolVersion)"
            throw .mismatch(file: path, message: "line \(m.line): digest mismatch: expected \(m.expected.sha256.prefix(16))… (J \(j(m.expected)), step \(m.expected.position), update \(m.expected.updates)), got \(m.actual.sha256.prefix(16))… (J \(j(m.actual)), step \(m.actual.position), update \(m.actual.updates))" + recordedBy)
        }
        let digests = file.lines.filter { if case .digest = $0 { return true }; return false }.count
        let actions = file.lines.filter { if case .action = $0 { return true }; return false }.count
        print("\(path): ok: \(actions) actions replayed, \(digests) digests match")
    }
}
