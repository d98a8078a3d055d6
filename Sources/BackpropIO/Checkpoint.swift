import BackpropCore
import BackpropData
import BackpropTraining

/// A training run in a safetensors file: `W1`, `W2` and, in `__metadata__`, what `LoopState` needs to
/// continue bit for bit (the counters, the order stream at the epoch's start, the epoch's sums),
/// the data's digest and the settings a resumed run must share. `--batch --save`, `--checkpoint-every`
/// and the TUI's `:save` write it; `--resume` in either face reads it.
public enum Checkpoint {
    public static let format = "backprop-tui checkpoint 1"

    /// The file of a synced loop.
    public static func encoded<T: Real>(_ loop: TrainingLoop<T>) -> [UInt8] {
        let s = loop.state, train = loop.train, c = loop.settings
        var meta: [(String, String)] = [("format", format), ("data", train.name), ("data_sha256", train.digest),
                                        ("d", "\(train.d)"), ("classes", "\(train.classes)")]
        meta += c.identity(precision: T.precisionName)
        meta += [("step", "\(s.step)"), ("epoch", "\(s.epoch)"), ("position", "\(s.position)"),
                 ("epoch_rng", s.epochStream.words.map { String($0, radix: 16) }.joined(separator: ",")),
                 ("epoch_J_sum", String(s.sums.J.bitPattern, radix: 16)),
                 ("epoch_JMLE_sum", String(s.sums.JMLE.bitPattern, radix: 16)),
                 ("epoch_batches", "\(s.sums.batches)")]
        let file = WeightsFile<T>(W1: Matrix(rows: train.d, cols: c.hidden, s.W1),
                                  W2: Matrix(rows: c.hidden, cols: train.classes, s.W2), metadata: meta)
        return file.encoded()
    }

    /// The state of a run to resume: made on the same data with the same settings.
    public static func load<T: Real>(_ path: String, train: Dataset, settings c: LoopSettings) throws(IOError)
        -> LoopState<T> {
        let (d, k, n) = (train.d, train.classes, train.count)
        let w = try WeightsFile<T>.load(path, d: d, hidden: c.hidden, classes: k)
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
        return LoopState(W1: w.W1.storage, W2: w.W2.storage, step: s, epoch: e, position: p, epochStream: stream,
                              sums: EpochSums(J: Double(bitPattern: js), JMLE: Double(bitPattern: jm), batches: nb),
                              examples: n, shuffle: c.shuffle)
    }

    /// Weights only (`--init`): a fresh run from them, the orders drawn as `settings` say.
    public static func weights<T: Real>(_ path: String, train: Dataset, settings c: LoopSettings) throws(IOError)
        -> LoopState<T> {
        let w = try WeightsFile<T>.load(path, d: train.d, hidden: c.hidden, classes: train.classes)
        return LoopState(W1: w.W1.storage, W2: w.W2.storage, epochStream: c.rng.orders(seed: c.seed),
                         examples: train.count, shuffle: c.shuffle)
    }
}
