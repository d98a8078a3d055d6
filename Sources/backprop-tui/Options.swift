import ArgumentParser
import BackpropCore
import BackpropData
import BackpropTraining
import BackpropExplorer
import Foundation

/// The command line, shared by the TUI and `--batch` (headless is a switch, not a fork).
struct Options: ParsableArguments {
    @Flag(help: "Train headless and print results, instead of opening the interactive TUI.")
    var batch = false

    @Option(help: ArgumentHelp("Training data: spiral (embedded), fashion-mnist (Debian's dataset-fashion-mnist or "
                               + "$FASHION_MNIST_DIR), a folder of IDX files (up to 2^30 bytes each, gzipped or not), "
                               + "or a CSV file (label,x1,…,xd; up to 4096 columns)."))
    var data = "spiral"

    @Option(name: .customLong("test-data"),
            help: ArgumentHelp("Held-out data (IDX folder or CSV). Default: t10k-* beside the training IDX files, "
                               + "the embedded test spiral, or none."))
    var testData: String?

    @Option(help: "Hidden units n_h, 1 to 4096. (default: with --batch 100 for spiral, 256 otherwise; 8 in the TUI)")
    var hidden: Int?

    @Option(name: .customLong("batch-size"), help: "Minibatch size m. (default: 128 with --batch, 8 in the TUI)")
    var batchSize: Int?

    @Option(help: ArgumentHelp("Total epochs to train (a resumed run counts the epochs already done). (default: 500 "
                               + "for spiral, 10 otherwise)"))
    var epochs: Int?

    @Option(help: "Stop after this many updates (0 with --trace writes the trace only).")
    var steps: Int?

    @Option(help: "Learning rate ε. (default: 1 for spiral, 0.1 otherwise)")
    var lr: Double?

    @Option(help: "Weight decay λ. (default: 1e-4 with --batch, 1e-3 in the TUI so the 2λW terms show)")
    var lambda: Double?

    @Option(help: "Seed for initialisation and shuffling.")
    var seed: UInt64 = 1234

    @Option(help: ArgumentHelp("Threads for the matrix products, 1 to 256 (results are bit-identical for every "
                               + "count). (default: all cores)"))
    var threads: Int?

    @Option(help: ArgumentHelp("Arithmetic of training, and the precision CSV values are read in. (default: "
                               + "float32 with --batch, float64 in the TUI)"))
    var precision: Precision?

    @Flag(name: .customLong("no-shuffle"), help: "Keep the data order instead of reshuffling each epoch.")
    var noShuffle = false

    @Option(help: ArgumentHelp("Generator for initialisation and shuffling: numpy (numpy's default_rng: weights from "
                               + "default_rng(seed), epoch orders from default_rng(seed + 1)) or xoshiro "
                               + "(xoshiro256**). (default: numpy)"))
    var rng: RandomKind?

    @Option(name: .customLong("memory-limit"),
            help: ArgumentHelp("GiB the run may take; refused up front, in one line, if the estimate is larger. "
                               + "(default: physical memory)"))
    var memoryLimit: Double?

    @Option(name: .customLong("init-scheme"), help: "he or glorot, for weights not loaded with --init.")
    var initScheme: Initializer = .he

    @Option(help: ArgumentHelp("Start from the parameters in this safetensors file, by name (W1 [d, n_h], W2 "
                               + "[n_h, k] for Figure 6.11); also in the TUI."))
    var `init`: String?

    @Option(help: "Write the final weights (and resume state) to this safetensors file.")
    var save: String?

    @Option(name: .customLong("checkpoint-every"),
            help: "Write a checkpoint every N updates (to --save, default checkpoint.safetensors).")
    var checkpointEvery: Int?

    @Option(help: ArgumentHelp("Continue a run from a checkpoint written by --save, --checkpoint-every or the TUI's "
                               + ":save; in the TUI too."))
    var resume: String?

    @Option(help: ArgumentHelp("Write every value and gradient of one update (the first, or --trace-step's) to this "
                               + "safetensors file, rows in the data's order."))
    var trace: String?

    @Option(name: .customLong("trace-step"),
            help: ArgumentHelp("With --trace: trace the K-th update of the run (counted as the log counts them, "
                               + "across --resume), before its weights change. (default: the run's first)"))
    var traceStep: Int?

    @Option(help: "Write JSON Lines: one object per epoch (and every --log-every updates).")
    var log: String?

    @Option(name: .customLong("log-every"), help: "Also log every N updates.")
    var logEvery: Int?

    @Option(help: ArgumentHelp("Step (or with --batch, train) another graph: one 'name = op(args)' per line, the "
                               + "last line the loss; inputs X and y, parameters with sizes (b1 = param(1, h)), "
                               + "constant λ. Examples in Graphs/. Default: Figure 6.11."))
    var graph: String?

    @Option(name: .customLong("break-on"),
            help: ArgumentHelp("With --batch: stop (exit 4) after the first update whose backward pass makes this "
                               + "hold, before the update: nonfinite, STAT(NAME) CMP N (STAT: norm, min, max, mean, "
                               + "absmax, dead; NAME a node or grad_NODE) or NAME CMP N. May be repeated."))
    var breakOn: [String] = []

    @Option(name: .customLong("break-bundle"),
            help: ArgumentHelp("With --break-on: write the run as it stood before the failing update to this "
                               + "safetensors file (a checkpoint: --resume it to reproduce the step)."))
    var breakBundle: String?

    @Option(help: ArgumentHelp("Open the TUI on a bundle written by --break-bundle: its data, settings, graph and "
                               + "weights, on the failing update's minibatch, stepped to where its breakpoint holds."))
    var open: String?

    @Flag(name: .customLong("print-graph"),
          help: ArgumentHelp("Print the graph as a program (each node with its shape and dtype), then its backward "
                             + "program in the order the engine runs it, and exit; honours the data, size and "
                             + "--graph flags."))
    var printGraph = false

    @Option(help: "Record the interactive session to this JSON Lines file (also: the r key, :record FILE).")
    var record: String?

    @Option(help: "Replay a recorded session in the TUI (or check it with --verify, or export it with --export-cast).")
    var replay: String?

    @Flag(help: ArgumentHelp("With --replay: re-execute the session headlessly and check every recorded digest (exit "
                             + "0 if all match, 1 otherwise)."))
    var verify = false

    @Option(name: .customLong("export-cast"),
            help: "With --replay: write the session as an asciicast v2 screen recording to this file.")
    var exportCast: String?

    @Option(help: "A title for the session being recorded (stored in its header).")
    var title: String?

    @Option(help: "A description for the session being recorded (stored in its header).")
    var description: String?

    var isSpiral: Bool { data == "spiral" }

    // Each face's defaults, written once.
    /// n_h: 100 (spiral) or 256 with --batch; the TUI's small readable model otherwise.
    var hiddenUnits: Int { hidden ?? (batch ? (isSpiral ? 100 : 256) : ExplorerConfig.defaultHidden) }
    /// m: 128 with --batch, the TUI's 8 otherwise.
    var minibatchSize: Int { batchSize ?? (batch ? 128 : ExplorerConfig.defaultBatch) }
    /// ε: 1 on the spirals, 0.1 otherwise.
    var learningRate: Double { lr ?? (isSpiral ? ExplorerConfig.defaultLR : 0.1) }
    /// λ: 1e-4 with --batch; 1e-3 in the TUI, so that the 2λW terms show.
    var weightDecay: Double { lambda ?? (batch ? 1e-4 : ExplorerConfig.defaultLambda) }
    var epochCount: Int { epochs ?? (isSpiral ? 500 : 10) }
    var arithmetic: Precision { precision ?? (batch ? .float32 : .float64) }
    var generator: RandomKind { rng ?? .numpy }
    /// Bytes a run may take: --memory-limit, or the machine's physical memory.
    var memoryBytes: Double { memoryLimit.map { $0 * 1_073_741_824 } ?? Double(ProcessInfo.processInfo.physicalMemory) }

    /// Checks every flag against its range and the others, before any file is read: one line
    /// `--flag: what; expected …` for the first that is wrong.
    func validate() throws {
        func bad(_ flag: String, _ message: String) -> ValidationError { ValidationError("\(flag): \(message)") }
        func whole(_ flag: String, _ v: Int?, _ r: ClosedRange<Int>) throws {
            guard let v, !r.contains(v) else { return }
            let expected = r.upperBound == .max ? "a whole number ≥ \(r.lowerBound)" : "a whole number from "
                    + "\(r.lowerBound) to \(r.upperBound)"
            throw bad(flag, "\(v) is not allowed; expected \(expected)")
        }
        func rate(_ flag: String, _ v: Double?) throws {
            if let v, !(v >= 0 && v.isFinite) { throw bad(flag, "\(v) is not allowed; expected a finite number ≥ 0") }
        }
        try whole("--hidden", hidden, Limits.hidden)
        try whole("--batch-size", batchSize, 1...Int.max)
        try whole("--epochs", epochs, 0...Int.max)
        try whole("--steps", steps, 0...Int.max)
        try whole("--threads", threads, Limits.threads)
        try whole("--checkpoint-every", checkpointEvery, 1...Int.max)
        try whole("--log-every", logEvery, 1...Int.max)
        try whole("--trace-step", traceStep, 1...Int.max)
        try rate("--lr", lr)
        if let g = memoryLimit, !(g > 0 && g.isFinite) {
            throw bad("--memory-limit", "\(g) is not allowed; expected a positive number of GiB")
        }
        try rate("--lambda", lambda)
        if traceStep != nil && trace == nil {
            throw bad("--trace-step", "needs --trace FILE; expected --trace FILE --trace-step K")
        }
        if breakBundle != nil && breakOn.isEmpty {
            throw bad("--break-bundle", "needs --break-on; expected --break-on PRED --break-bundle FILE")
        }
        if open != nil {
            for (flag, set) in [("--batch", batch), ("--resume", resume != nil), ("--init", `init` != nil),
                                ("--replay", replay != nil), ("--record", record != nil), ("--graph", graph != nil),
                                ("--print-graph", printGraph)] where set {
                throw bad("--open", "cannot be combined with \(flag) (the bundle holds the run); expected --open FILE "
                          + "alone, or with --data for data of its digest")
            }
        }
        if `init` != nil && resume != nil {
            throw bad("--init", "cannot be combined with --resume; expected one of them")
        }
        if printGraph {
            for (flag, set) in [("--replay", replay != nil), ("--record", record != nil), ("--verify", verify),
                                ("--export-cast", exportCast != nil)] where set {
                throw bad(flag, "cannot be combined with --print-graph; expected one of them")
            }
            return
        }
        if batch {
            for (flag, set) in [("--replay", replay != nil), ("--record", record != nil),
                                ("--verify", verify),
                                ("--export-cast", exportCast != nil)] where set {
                throw bad(flag, "is for interactive sessions and cannot be combined with --batch")
            }
            return
        }
        // Flags of a headless run only: refused rather than ignored.
        for (flag, set, instead) in [("--epochs", epochs != nil, "e or :train epoch"),
                                     ("--steps", steps != nil, ":train N"), ("--save", save != nil, ":save FILE"),
                                     ("--checkpoint-every", checkpointEvery != nil, ":save FILE"),
                                     ("--trace", trace != nil, "--batch --trace"),
                                     ("--log", log != nil, "--record FILE"),
                                     ("--log-every", logEvery != nil, "--record FILE"),
                                     ("--break-on", !breakOn.isEmpty, ":break PRED"),
                                     ("--break-bundle", breakBundle != nil, "--batch --break-bundle")] where set {
            throw bad(flag, "is for --batch; in the TUI use \(instead)")
        }
        if replay == nil {
            if verify { throw bad("--verify", "needs --replay FILE; expected --replay FILE --verify") }
            if exportCast != nil {
                throw bad("--export-cast", "needs --replay FILE; expected --replay FILE --export-cast OUT.cast")
            }
        } else {
            if verify && exportCast != nil {
                throw bad("--verify", "cannot be combined with --export-cast; expected one of them")
            }
            if graph != nil { throw bad("--graph", "cannot be combined with --replay (a session names its own graph)") }
        }
    }
}

extension Precision: ExpressibleByArgument {}
extension Initializer: ExpressibleByArgument {}
extension RandomKind: ExpressibleByArgument {}
