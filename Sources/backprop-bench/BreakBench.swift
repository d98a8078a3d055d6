import BackpropCore
import BackpropData
import BackpropExplorer
import BackpropIO
import BackpropTraining
import Foundation

/// What breakpoints cost, measured inside one process so that both sides see the same host:
/// two loops on Fashion-MNIST from the same weights, one plain and one with probes, advanced in
/// alternating chunks of updates; prints each side's best and median CPU time per update and their ratio.
///
///   backprop-bench breakpoints GRAPH [ROUNDS] [THREADS] [PRED ...]
/// (default predicates: `nonfinite` and `norm(grad_W1) > 1e6`, which never holds on this run;
/// `none` for none at all).
enum BreakBench {
    /// The process's CPU time (all its threads): time the host gives other processes is left out.
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func run(_ args: [String]) {
        guard let path = args.first, let text = try? String(contentsOfFile: path, encoding: .utf8),
              let graph = try? ExplorerConfig.graph(from: text) else {
            print("breakpoints: usage: backprop-bench breakpoints GRAPH [ROUNDS] [THREADS] [PRED ...]")
            return
        }
        let rounds = args.count > 1 ? Int(args[1]) ?? 30 : 30
        let threads = args.count > 2 ? Int(args[2]) ?? 1 : 1
        let texts = args.count > 3 ? Array(args[3...]) : ["nonfinite", "norm(grad_W1) > 1e6"]
        guard let src = try? DataSource.load("fashion-mnist") else {
            print("breakpoints: needs fashion-mnist (apt-get install dataset-fashion-mnist)")
            return
        }
        let settings = LoopSettings(hidden: 256, batchSize: 128, lr: 0.1, lambda: 1e-4, seed: 1234, rng: .numpy,
                                    threads: threads)
        var plain = try! TrainingLoop<Float>(graph: graph, train: src.train, test: nil, settings: settings)
        // Its own loop, not a copy: copies share one workspace, which would be rebuilt at each switch.
        var probed = try! TrainingLoop<Float>(graph: graph, train: src.train, test: nil, settings: settings)
        // `none`: no probes on either side, which shows how far apart the host alone puts the two.
        let probes = texts == ["none"] ? [] : texts.map { try! TensorPredicate($0, graph: graph) }
        probed.setProbes(probes, stops: probes.map { _ in true })
        let chunk = 50
        func time(_ loop: inout TrainingLoop<Float>) -> Double {
            let t0 = now()
            var n = 0
            while n < chunk {
                switch loop.advance() {
                case .updated: n += 1
                case .measuring, .measured: continue
                default: fatalError("breakpoints: the run stopped")
                }
            }
            return (now() - t0) / Double(chunk)
        }
        var a: [Double] = [], b: [Double] = []
        // Which goes first alternates: the second of a pair runs on a warmer host (+1% measured).
        for r in 0..<rounds {
            if r % 2 == 0 { a.append(time(&plain)); b.append(time(&probed)) } else {
                b.append(time(&probed)); a.append(time(&plain))
            }
        }
        // Each round's pair ran side by side in time: their ratio sees the least of the host's drift.
        let paired = zip(a, b).map { $0 / $1 }.sorted()
        let middle = paired[(paired.count / 4)..<(paired.count - paired.count / 4)]
        a.sort(); b.sort()
        print("\(path), \(threads) thread(s), \(rounds) rounds of \(chunk) updates; probes: "
              + texts.joined(separator: ", "))
        print(String(format: "  plain  best %.1f µs/update, median %.1f", a[0] * 1e6, a[a.count / 2] * 1e6))
        print(String(format: "  probes best %.1f µs/update, median %.1f", b[0] * 1e6, b[b.count / 2] * 1e6))
        print(String(format: "  plain/probes speed: best %.3f, median %.3f; paired: median %.3f, "
                     + "mean of the middle half %.3f",
                     a[0] / b[0], a[a.count / 2] / b[b.count / 2], paired[paired.count / 2],
                     middle.reduce(0, +) / Double(middle.count)))
    }
}
