import ArgumentParser
import BackpropCore
import BackpropIO
import Foundation
import BackpropData
import BackpropTraining

/// Entry point: parses the command line, runs a mode, and renders any failure as one line.
@main
struct BackpropTUI {
    static func main() {
        let options: Options
        // The parse error is turned into text inside the catch and released before exiting, so
        // the leak checker (ASan runs of the test suite) does not see it as lost at exit.
        var usage: String? = nil
        do {
            options = try Command.parse().options
        } catch {
            // --help and --version are "errors" that exit cleanly; real ones get one line and 64.
            if Command.exitCode(for: error) == .success { Command.exit(withError: error) }
            var first = (Command.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad arguments")
                .replacingOccurrences(of: "Error: ", with: "")
            // A value outside an option's cases, in the form of our own checks (`Options.validate`):
            // `--flag: 'value' is unknown; expected one of …`.
            let outsideCases = /The value '(.*)' is invalid for '(--[a-z-]+)[^']*'\. Please provide one of (.*)\./
            if let m = first.wholeMatch(of: outsideCases) {
                first = "\(m.2): '\(inert(m.1))' is unknown; expected one of \(m.3)"
            }
            if first.hasSuffix(".") { first.removeLast() }
            usage = first.hasPrefix("--") && first.contains(": ") ? first : inert(first, limit: 200) + "; see --help"
            options = Options()
        }
        if let usage {
            if usage.hasPrefix("--"), let colon = usage.range(of: ": ") {
                fail(.usage(flag: String(usage[..<colon.lowerBound]), message: String(usage[colon.upperBound...])))
            }
            fail(.usage(flag: "arguments", message: usage))
        }
        do {
            try run(options)
        } catch {
            fail(error)
        }
        exit(0)
    }

    /// The one place errors are printed: one line of at most 300 characters, whatever the user's
    /// strings in it hold (control characters escaped, long text cut with an ellipsis).
    static func fail(_ f: Failure) -> Never {
        fflush(nil)
        FileHandle.standardError.write("\(errorLine(f))\n".data(using: .utf8)!)
        exit(f.exitCode)
    }

    static func errorLine(_ f: Failure) -> String {
        let prefix = { if case .breakpoint = f { "backprop-tui: " } else { "backprop-tui: error: " } }()
        return prefix + inert(f.message, limit: maxErrorLine - prefix.count - 1)
    }

    /// Threads for the products: as asked, but no more than the cores (workers beyond them would
    /// only take turns spinning), with one line saying so; every count gives the same bits.
    static func threadCount(_ asked: Int?, quiet: Bool = false) -> Int {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard let asked else { return cores }
        if asked > cores {
            if quiet { return cores }
            let note = "backprop-tui: note: --threads \(asked) is more than the \(cores) cores here; "
                + "using \(cores) (the same results)\n"
            FileHandle.standardError.write(note.data(using: .utf8)!)
            return cores
        }
        return asked
    }

    /// Refuses, in one line and before allocating, a run whose estimated memory is over the limit.
    /// Bytes the training loop's fused trainer takes for these flags (either face).
    static func trainerBytes(_ o: Options, d: Int, k: Int, threads: Int) -> Double {
        let (h, m) = (o.hiddenUnits, o.minibatchSize)
        return o.arithmetic == .float64
            ? FusedTrainer<Double>.bytesNeeded(d: d, nh: h, k: k, maxBatch: m, threads: threads)
            : FusedTrainer<Float>.bytesNeeded(d: d, nh: h, k: k, maxBatch: m, threads: threads)
    }

    static func checkMemory(_ bytes: Double, _ o: Options, what: String) throws(Failure) {
        guard bytes > o.memoryBytes else { return }
        func gib(_ b: Double) -> String {
            b >= 1_073_741_824 ? String(format: "%.1f GiB", b / 1_073_741_824)
                : String(format: "%.1f MiB", b / 1_048_576)
        }
        let limit = o.memoryLimit == nil ? "physical memory; --memory-limit GiB to change" : "--memory-limit"
        throw .usage(flag: "memory",
                     message: "\(what) needs about \(gib(bytes)); the limit is \(gib(o.memoryBytes)) (\(limit))")
    }

    /// `--break-on`'s texts parsed against the graph and its shapes for this data.
    static func predicates(_ texts: [String], graph: Graph, d: Int, k: Int, h: Int,
                           m: Int) throws(Failure) -> [TensorPredicate] {
        let shapes = (try? Engine<Double>(graph: graph, constants: ["λ": 0, "k": Double(k)]))?
            .shapes(graph.leafShapes(m: m, d: d, k: k, h: h))
        var out: [TensorPredicate] = []
        for t in texts {
            do { out.append(try TensorPredicate(t, graph: graph, shapes: shapes)) } catch {
                throw .usage(flag: "--break-on", message: error.description)
            }
        }
        return out
    }

    /// The longest error line, in characters.
    static let maxErrorLine = 300

    static func run(_ o: Options) throws(Failure) {
        if o.printGraph { try PrintGraph.run(o); return }
        guard o.batch else { try Interactive.run(o); return }
        let start = Date()
        let precision = o.arithmetic
        let source = try wrap { () throws(IOError) in
            try DataSource.load(o.data, testData: o.testData, precision: precision)
        }
        let loadSeconds = Date().timeIntervalSince(start)
        let batchSize = o.minibatchSize
        if batchSize > source.train.count {
            throw .usage(flag: "--batch-size",
                         message: "\(batchSize) is larger than the \(source.train.count) training examples; expected "
                                  + "at most \(source.train.count)")
        }
        let (d, k) = (source.train.d, source.train.classes)
        let (h, threads) = (o.hiddenUnits, threadCount(o.threads, quiet: true))
        let trainer = trainerBytes(o, d: d, k: k, threads: threads)
        // A trace runs the stepping engine once: every node's value and gradient, in float64 at most.
        let trace = o.trace == nil ? 0 : 8 * 10 * Double(d * o.hiddenUnits + batchSize * (o.hiddenUnits + d))
        try checkMemory(trainer + trace + 8 * Double(source.train.count), o, what: "\(d)-\(h)-\(k), m = \(batchSize)")
        let graph: Graph
        if let path = o.graph {
            let file = try GraphFile.load(path)
            try GraphFile.checkShapes(file.graph, text: file.text, path: path, d: d, k: k, h: h, m: batchSize)
            graph = file.graph
        } else { graph = Figure611.graph }
        let config = RunConfig(graph: graph, hidden: o.hiddenUnits, batchSize: batchSize, epochs: o.epochCount,
                               steps: o.steps, lr: o.learningRate, lambda: o.weightDecay, seed: o.seed,
                               threads: threadCount(o.threads), shuffle: !o.noShuffle,
                               initScheme: o.initScheme, rng: o.generator,
                               initPath: o.`init`, savePath: o.save, checkpointEvery: o.checkpointEvery,
                               resumePath: o.resume,
                               tracePath: o.trace, traceStep: o.traceStep, logPath: o.log, logEvery: o.logEvery,
                               breakOn: try predicates(o.breakOn, graph: graph, d: d, k: k, h: h, m: batchSize),
                               breakBundlePath: o.breakBundle)
        if precision == .float64 {
            try BatchRunner<Double>(config: config, source: source, loadSeconds: loadSeconds, startTime: start).run()
        } else {
            try BatchRunner<Float>(config: config, source: source, loadSeconds: loadSeconds, startTime: start).run()
        }
    }
}
