import BackpropCore
import BackpropExplorer
import BackpropIO
import BackpropData
import BackpropTraining

/// A file `--break-bundle` wrote, as `--open` reads it: a checkpoint from before the update a
/// breakpoint stopped, with the predicate that held and where.
struct BreakBundle {
    let path: String
    let meta: [String: String]
    var predicate: String { meta["break_predicate"]! }
    /// The graph's text, unless it is Figure 6.11's (the default).
    var graphText: String? {
        guard let t = meta["graph"], let g = try? Graph(parsing: t), g.unannotated != Figure611.graph.unannotated
        else { return nil }
        return t
    }

    static func load(_ path: String) throws(Failure) -> BreakBundle {
        let file = try wrap { () throws(IOError) in try SafeTensors.load(path) }
        let meta = Dictionary(file.metadata, uniquingKeysWith: { a, _ in a })
        guard meta["break_predicate"] != nil, meta["format"] == Checkpoint.format else {
            throw .io(IOError(path, "not a breakpoint bundle; expected a file written by --break-on PRED "
                                    + "--break-bundle FILE", kind: .badData))
        }
        for key in ["hidden", "batch_size", "lr", "lambda", "seed", "precision", "shuffle"] where meta[key] == nil {
            throw .io(IOError(path, "bundle metadata has no \(key); expected a file written by --break-bundle",
                              kind: .badData))
        }
        return BreakBundle(path: path, meta: meta)
    }

    /// The run's flags: its settings, its data (unless --data names other files of the same digest),
    /// and the bundle resumed.
    func apply(to o: inout Options) {
        o.hidden = meta["hidden"].flatMap(Int.init)
        o.batchSize = meta["batch_size"].flatMap(Int.init)
        o.lr = meta["lr"].flatMap(Double.init)
        o.lambda = meta["lambda"].flatMap(Double.init)
        o.seed = meta["seed"].flatMap(UInt64.init) ?? o.seed
        o.rng = meta["rng"].flatMap(RandomKind.init(rawValue:)) ?? .xoshiro
        o.precision = meta["precision"].flatMap(Precision.init(rawValue:))
        o.noShuffle = meta["shuffle"] == "false"
        if o.data == "spiral", let d = meta["data"], ["spiral", "fashion-mnist"].contains(d) { o.data = d }
        o.resume = path
    }

    /// Sets the breakpoint that fired and steps the failing update's minibatch to where it holds.
    func open(_ s: inout ExplorerState) throws(Failure) {
        s.stepsAsTrained = true   // the update's rows in the order the trainer took them: its very sums
        Explorer.reduce(into: &s, .breakOn(predicate))
        if s.status.isError { throw .io(IOError(path, "break_predicate: \(s.status.text)", kind: .badData)) }
        let at = s.stepToBreakpoint()
        let update = meta["break_update"] ?? "?", epoch = meta["break_epoch"] ?? "?"
        let what = "breakpoint: \(predicate) at update \(update) (epoch \(epoch))"
        s.status = .init(REPL.inert("opened \(path.pathLastComponent): \(what)")
                         + (at.map { "; holds after \($0)" }
                            ?? "; it does not hold when this minibatch is stepped"),
                         isError: at == nil)
    }
}
