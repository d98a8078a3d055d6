import BackpropCore
import BackpropData
import BackpropTraining

/// A training run in a safetensors file: each parameter by its graph name and, in `__metadata__`,
/// what `LoopState` needs to continue bit for bit (the counters, the order stream at the epoch's
/// start, the epoch's sums), the graph's text, the data's digest and the settings a resumed run
/// must share. `--batch --save`, `--checkpoint-every`
/// and the TUI's `:save` write it; `--resume` in either face reads it.
public enum Checkpoint {
    public static let format = "backprop-tui checkpoint 1"

    /// The file of a synced loop; `extra`: more metadata (a breakpoint bundle's).
    public static func encoded<T: Real>(_ loop: TrainingLoop<T>, extra: [(String, String)] = []) -> [UInt8] {
        let s = loop.state, train = loop.train, c = loop.settings
        var meta: [(String, String)] = [("format", format), ("data", train.name), ("data_sha256", train.digest),
                                        ("d", "\(train.d)"), ("classes", "\(train.classes)")]
        meta += c.identity(precision: T.precisionName)
        meta += [("graph", loop.graph.description)]
        meta += [("step", "\(s.step)"), ("epoch", "\(s.epoch)"), ("position", "\(s.position)"),
                 ("epoch_rng", s.epochStream.words.map { String($0, radix: 16) }.joined(separator: ",")),
                 ("epoch_J_sum", String(s.sums.J.bitPattern, radix: 16)),
                 ("epoch_JMLE_sum", String(s.sums.JMLE.bitPattern, radix: 16)),
                 ("epoch_batches", "\(s.sums.batches)")] + extra
        let tensors = zip(loop.parameters, s.params).map { p, v in
            (name: p.name, value: Matrix(rows: p.shape.rows, cols: p.shape.cols, v))
        }
        return WeightsFile<T>(tensors: tensors, metadata: meta).encoded()
    }

    /// What a file for `graph` on this data must hold: every parameter, its shape and where that comes from.
    public static func expected(_ graph: Graph, train: Dataset, hidden: Int) -> [ExpectedTensor] {
        expected(graph, d: train.d, classes: train.classes, hidden: hidden)
    }

    /// The same for d features and k classes.
    public static func expected(_ graph: Graph, d: Int, classes k: Int, hidden: Int) -> [ExpectedTensor] {
        graph.parameterShapes(d: d, k: k, h: hidden).map { p in
            let node = graph[p.name]
            let sizes = node?.sizes.isEmpty == false ? node!.sizes.compactMap(ParamSize.init)
                : ParamSize.defaults[p.name] ?? []
            var seen = Set<ParamSize>()
            let why = sizes.filter { seen.insert($0).inserted }.compactMap { s -> String? in
                switch s {
                case .d: "d = \(d) from the data"
                case .k: "k = \(k) classes in the data"
                case .h: "n_h = \(hidden) from --hidden"
                case .fixed: nil
                }
            }
            return ExpectedTensor(name: p.name, shape: p.shape,
                                  why: why.isEmpty ? "as the graph says" : why.joined(separator: ", "))
        }
    }

    /// The state of a run to resume: made on the same data with the same settings.
    public static func load<T: Real>(_ path: String, graph: Graph, train: Dataset, settings c: LoopSettings)
        throws(IOError) -> LoopState<T> {
        let n = train.count
        // The graph first: another graph's parameters would be misnamed or misshapen below. (A file
        // that cannot be read is refused as such, not taken for a checkpoint without a graph.)
        if let text = try SafeTensors.load(path).metadata.first(where: { $0.0 == "graph" })?.1 {
            let made = try? Graph(parsing: text)
            if made?.unannotated != graph.unannotated {   // names of quantities change no weight
                func params(_ g: Graph?) -> String {
                    g.map { inert($0.names(of: .param).joined(separator: ", "), limit: 80) } ?? "unreadable"
                }
                throw IOError(path, "made with another graph (parameters \(params(made))); this run's has "
                                    + "\(params(graph)) (give the graph it was made with: --graph FILE)")
            }
        } else if graph.unannotated != Figure611.graph.unannotated {
            throw IOError(path, "made with Figure 6.11 (a checkpoint without a graph); this run has --graph")
        }
        let w = try WeightsFile<T>.load(path, expected: expected(graph, train: train, hidden: c.hidden))
        guard w.meta("format") == format else {
            throw IOError(path, "not a backprop-tui checkpoint; expected one written by --save, --checkpoint-every "
                                + "or :save")
        }
        guard w.meta("data_sha256") == train.digest else {
            throw IOError(path, "made on data with digest \(w.meta("data_sha256") ?? "?"); expected \(train.digest) "
                                + "(\(train.name))")
        }
        for (key, value) in c.identity(precision: T.precisionName) {
            // Checkpoints from before --rng have no "rng": theirs was xoshiro.
            let recorded = w.meta(key) ?? (key == "rng" ? RandomKind.xoshiro.rawValue : "?")
            if recorded != value {
                throw IOError(path, "made with \(key) = \(recorded); this run has \(value) (give the same flags to "
                                    + "resume)")
            }
        }
        func hex(_ key: String) -> UInt64? { w.meta(key).flatMap { UInt64($0, radix: 16) } }
        guard let s = w.meta("step").flatMap(Int.init), let e = w.meta("epoch").flatMap(Int.init),
              let p = w.meta("position").flatMap(Int.init),
              let words = w.meta("epoch_rng")?.split(separator: ",").compactMap({ UInt64($0, radix: 16) }),
              let stream = c.rng.orders(words: words), let js = hex("epoch_J_sum"), let jm = hex("epoch_JMLE_sum"),
              let nb = w.meta("epoch_batches").flatMap(Int.init) else {
            throw IOError(path, "checkpoint metadata is incomplete; expected step, epoch, position and epoch_rng")
        }
        // Every counter in range before it is used (a file may say anything).
        let most = 1 << 52
        for (key, value, range) in [("step", s, 0...most), ("epoch", e, 0...most), ("position", p, 0...n),
                                    ("epoch_batches", nb, 0...most)] where !range.contains(value) {
            throw IOError(path, "checkpoint \(key) is \(value); expected \(range.lowerBound) to \(range.upperBound)")
        }
        return LoopState(params: w.tensors.map { $0.value.storage }, step: s, epoch: e, position: p,
                         epochStream: stream,
                              sums: EpochSums(J: Double(bitPattern: js), JMLE: Double(bitPattern: jm), batches: nb),
                              examples: n, shuffle: c.shuffle)
    }

    /// Weights only (`--init`): a fresh run from them, the orders drawn as `settings` say.
    public static func weights<T: Real>(_ path: String, graph: Graph, train: Dataset, settings c: LoopSettings)
        throws(IOError) -> LoopState<T> {
        let w = try WeightsFile<T>.load(path, expected: expected(graph, train: train, hidden: c.hidden))
        return LoopState(params: w.tensors.map { $0.value.storage }, epochStream: c.rng.orders(seed: c.seed),
                         examples: train.count, shuffle: c.shuffle)
    }
}
