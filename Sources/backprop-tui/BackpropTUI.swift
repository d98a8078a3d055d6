import ArgumentParser
import BackpropCore
import BackpropIO
import Foundation
import BackpropData

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
            let first = Command.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad arguments"
            usage = first.replacingOccurrences(of: "Error: ", with: "") + "; see --help"
            options = Options()
        }
        if let usage { fail(.usage(flag: "arguments", message: usage)) }
        do {
            try run(options)
        } catch {
            fail(error)
        }
        exit(0)
    }

    static func fail(_ f: Failure) -> Never {
        fflush(nil)
        FileHandle.standardError.write("backprop-tui: error: \(f.message)\n".data(using: .utf8)!)
        exit(f.exitCode)
    }

    static func run(_ o: Options) throws(Failure) {
        if o.batch {
            for (flag, set) in [("--graph", o.graph != nil), ("--replay", o.replay != nil), ("--record", o.record != nil), ("--verify", o.verify), ("--export-cast", o.exportCast != nil)] where set {
                throw .usage(flag: flag, message: "is for interactive sessions and cannot be combined with --batch")
            }
        } else {
            try Interactive.run(o)
            return
        }
        let start = Date()
        if o.hidden.map({ $0 < 1 }) ?? false { throw .usage(flag: "--hidden", message: "\(o.hidden!) is not allowed; expected a whole number ≥ 1") }
        let batchSize = o.batchSize ?? 128
        if batchSize < 1 { throw .usage(flag: "--batch-size", message: "\(batchSize) is not allowed; expected a whole number ≥ 1") }
        if let e = o.epochs, e < 0 { throw .usage(flag: "--epochs", message: "\(e) is negative; expected a whole number ≥ 0") }
        if let s = o.steps, s < 0 { throw .usage(flag: "--steps", message: "\(s) is negative; expected a whole number ≥ 0") }
        if let lr = o.lr, !(lr >= 0 && lr.isFinite) { throw .usage(flag: "--lr", message: "\(lr) is not allowed; expected a finite number ≥ 0") }
        if let l = o.lambda, !(l >= 0 && l.isFinite) { throw .usage(flag: "--lambda", message: "\(l) is not allowed; expected a finite number ≥ 0") }
        if let t = o.threads, !(1...256).contains(t) { throw .usage(flag: "--threads", message: "\(t) is not allowed; expected 1 to 256") }
        if let c = o.checkpointEvery, c < 1 { throw .usage(flag: "--checkpoint-every", message: "\(c) is not allowed; expected a whole number ≥ 1") }
        if let c = o.logEvery, c < 1 { throw .usage(flag: "--log-every", message: "\(c) is not allowed; expected a whole number ≥ 1") }
        if let k = o.traceStep {
            if o.trace == nil { throw .usage(flag: "--trace-step", message: "needs --trace FILE; expected --trace FILE --trace-step K") }
            if k < 1 { throw .usage(flag: "--trace-step", message: "\(k) is not allowed; expected a whole number ≥ 1") }
        }
        guard let scheme = Initializer(rawValue: o.initScheme) else { throw .usage(flag: "--init-scheme", message: "'\(inert(o.initScheme))' is unknown; expected he or glorot") }
        guard let rng = RandomKind(rawValue: o.rng ?? "numpy") else { throw .usage(flag: "--rng", message: "'\(inert(o.rng!))' is unknown; expected numpy or xoshiro") }
        guard let precision = Precision(rawValue: o.precision) else {
            throw .usage(flag: "--precision", message: "'\(inert(o.precision))' is unknown; expected float32 or float64")
        }
        if o.`init` != nil && o.resume != nil { throw .usage(flag: "--init", message: "cannot be combined with --resume; expected one of them") }

        let source = try wrap { () throws(IOError) in try DataSource.load(o.data, testData: o.testData, precision: precision) }
        let loadSeconds = Date().timeIntervalSince(start)
        if batchSize > source.train.count {
            throw .usage(flag: "--batch-size", message: "\(batchSize) is larger than the \(source.train.count) training examples; expected at most \(source.train.count)")
        }
        let config = RunConfig(hidden: o.hidden ?? (o.isSpiral ? 100 : 256), batchSize: batchSize, epochs: o.epochs ?? (o.isSpiral ? 500 : 10),
                               steps: o.steps, lr: o.lr ?? (o.isSpiral ? 1 : 0.1), lambda: o.lambda ?? 1e-4, seed: o.seed,
                               threads: o.threads ?? ProcessInfo.processInfo.activeProcessorCount, shuffle: !o.noShuffle, initScheme: scheme, rng: rng,
                               initPath: o.`init`, savePath: o.save, checkpointEvery: o.checkpointEvery, resumePath: o.resume,
                               tracePath: o.trace, traceStep: o.traceStep, logPath: o.log, logEvery: o.logEvery)
        if precision == .float64 {
            try BatchRunner<Double>(config: config, source: source, loadSeconds: loadSeconds, startTime: start).run()
        } else {
            try BatchRunner<Float>(config: config, source: source, loadSeconds: loadSeconds, startTime: start).run()
        }
    }
}
