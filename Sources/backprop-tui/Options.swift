import ArgumentParser
import BackpropData

/// The command line, shared by the TUI and `--batch` (headless is a switch, not a fork).
struct Options: ParsableArguments {
    @Flag(help: "Train headless and print results, instead of opening the interactive TUI.")
    var batch = false

    @Option(help: "Training data: spiral (embedded), fashion-mnist (Debian's dataset-fashion-mnist or $FASHION_MNIST_DIR), a folder of IDX files, or a CSV file (label,x1,…,xd).")
    var data = "spiral"

    @Option(name: .customLong("test-data"), help: "Held-out data (IDX folder or CSV). Default: t10k-* beside the training IDX files, the embedded test spiral, or none.")
    var testData: String?

    @Option(help: "Hidden units n_h. (default: with --batch 100 for spiral, 256 otherwise; 8 in the TUI)")
    var hidden: Int?

    @Option(name: .customLong("batch-size"), help: "Minibatch size m. (default: 128 with --batch, 8 in the TUI)")
    var batchSize: Int?

    @Option(help: "Total epochs to train (a resumed run counts the epochs already done). (default: 500 for spiral, 10 otherwise)")
    var epochs: Int?

    @Option(help: "Stop after this many updates (0 with --trace writes the trace only).")
    var steps: Int?

    @Option(help: "Learning rate ε. (default: 1 for spiral, 0.1 otherwise)")
    var lr: Double?

    @Option(help: "Weight decay λ. (default: 1e-4 with --batch, 1e-3 in the TUI so the 2λW terms show)")
    var lambda: Double?

    @Option(help: "Seed for initialisation and shuffling.")
    var seed: UInt64 = 1234

    @Option(help: "Threads for the matrix products (results are bit-identical for every count). (default: all cores)")
    var threads: Int?

    @Option(help: "float32 or float64.")
    var precision: String = "float32"

    @Flag(name: .customLong("no-shuffle"), help: "Keep the data order instead of reshuffling each epoch.")
    var noShuffle = false

    @Option(help: "Generator for initialisation and shuffling: numpy (numpy's default_rng: weights from default_rng(seed), epoch orders from default_rng(seed + 1)) or xoshiro (xoshiro256**, the TUI's). (default: numpy with --batch)")
    var rng: String?

    @Option(name: .customLong("init-scheme"), help: "he or glorot, for weights not loaded with --init.")
    var initScheme: String = "he"

    @Option(help: "Start from the weights in this safetensors file (W1 [d, n_h], W2 [n_h, k]).")
    var `init`: String?

    @Option(help: "Write the final weights (and resume state) to this safetensors file.")
    var save: String?

    @Option(name: .customLong("checkpoint-every"), help: "Write a checkpoint every N updates (to --save, default checkpoint.safetensors).")
    var checkpointEvery: Int?

    @Option(help: "Continue a run from a checkpoint written by --save or --checkpoint-every.")
    var resume: String?

    @Option(help: "Write every value and gradient of one update (the first, or --trace-step's) to this safetensors file, rows in the data's order.")
    var trace: String?

    @Option(name: .customLong("trace-step"), help: "With --trace: trace the K-th update of the run (counted as the log counts them, across --resume), before its weights change. (default: the run's first)")
    var traceStep: Int?

    @Option(help: "Write JSON Lines: one object per epoch (and every --log-every updates).")
    var log: String?

    @Option(name: .customLong("log-every"), help: "Also log every N updates.")
    var logEvery: Int?

    @Option(help: "TUI: explore another graph over the same leaves (inputs X, y; parameters W1, W2; constant λ), written one 'name = op(args)' per line, the last line the loss. Default: Figure 6.11.")
    var graph: String?

    @Option(help: "Record the interactive session to this JSON Lines file (also: the r key, :record FILE).")
    var record: String?

    @Option(help: "Replay a recorded session in the TUI (or check it with --verify, or export it with --export-cast).")
    var replay: String?

    @Flag(help: "With --replay: re-execute the session headlessly and check every recorded digest (exit 0 if all match, 1 otherwise).")
    var verify = false

    @Option(name: .customLong("export-cast"), help: "With --replay: write the session as an asciicast v2 screen recording to this file.")
    var exportCast: String?

    @Option(help: "A title for the session being recorded (stored in its header).")
    var title: String?

    @Option(help: "A description for the session being recorded (stored in its header).")
    var description: String?

    var isSpiral: Bool { data == "spiral" }
}

/// The command as users see it in `--help`: name, summary, and the options above.
struct Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop-tui",
        abstract: "Back-propagation made visible: the Deep Learning book's MLP example (section 6.5.7, Figure 6.11).",
        discussion: """
            With no mode flag, opens the interactive TUI on the embedded spirals (3-8-3, m = 8): step \
            through the forward pass and back-propagation node by node (? lists the keys, : the commands). \
            --batch trains headless on the embedded spirals, Fashion-MNIST, IDX folders or CSV files. \
            Sessions: --record FILE, then --replay FILE [--verify | --export-cast OUT.cast]. \
            Exit codes: 64 bad flag, 65 bad data, 66 missing input, 73/74 cannot write, 3 diverged, \
            2 no usable terminal, 1 session digest mismatch, 128+n after signal n.
            """)
    @OptionGroup var options: Options
}
