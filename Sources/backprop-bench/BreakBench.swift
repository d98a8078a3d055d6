import BackpropCore
import BackpropData
import BackpropExplorer
import BackpropIO
import BackpropTraining
import Foundation

/// What breakpoints cost, measured inside one process so that both sides see the same host:
/// two loops on Fashion-MNIST from the same weights, one plain and one with probes, advanced in
/// alternating chunks of updates; prints each side's best and median time per update and their ratio.
///
///   backprop-bench breakpoints GRAPH [ROUNDS] [THREADS] [PRED ...]
/// (default predicates: `nonfinite` and `norm(grad_W1) > 1e6`, which never holds on this run;
/// `none` for none at all).
enum BreakBench {
    /// On one thread the process's CPU time (time the host gives other processes is left out);
    /// with more, the wall clock (a waiting worker spins, which CPU time would count as work).
    nonisolated(unsafe) static var cpuTime = true
    static func now() -> Double {
        var t = timespec()
        clock_gettime(cpuTime ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func run(_ args: [String]) {
        let cli = BenchArguments(mode: "breakpoints",
                               usage: "backprop-bench breakpoints GRAPH [ROUNDS] [THREADS] [PRED ...]", args: args)
        let (path, graph) = cli.graph()
        let rounds = cli.count(1, "ROUNDS", fallback: 30), threads = cli.count(2, "THREADS", fallback: 1)
        cpuTime = threads == 1
        let texts = args.count > 3 ? Array(args[3...]) : ["nonfinite", "norm(grad_W1) > 1e6"]
        // `none`: no probes either way, which shows how far apart the host alone puts the two.
        var probes: [TensorPredicate] = []
        for t in texts where texts != ["none"] {
            do { probes.append(try TensorPredicate(t, graph: graph)) } catch { cli.fail("\(error)") }
        }
        let src = cli.fashionMNIST()
        let settings = LoopSettings(hidden: 256, batchSize: 128, lr: 0.1, lambda: 1e-4, seed: 1234, rng: .numpy,
                                    threads: threads)
        // One loop, its probes set and cleared in turn: two loops differ by where their buffers
        // fall (a percent or two with no probes on either side), and with several threads each
        // loop's idle workers would take time from the other's.
        var loop = try! TrainingLoop<Float>(graph: graph, train: src.train, test: nil, settings: settings)
        let chunk = 100
        func time(probed: Bool) -> Double {
            loop.setProbes(probed ? probes : [], stops: probed ? probes.map { _ in true } : [])
            // A few updates first: the executor is made anew when the probes change.
            func updates(_ count: Int) {
                var n = 0
                while n < count {
                    switch loop.advance() {
                    case .updated: n += 1
                    case .measuring, .measured: continue
                    default: fatalError("breakpoints: the run stopped")
                    }
                }
            }
            updates(5)
            let t0 = now()
            updates(chunk)
            return (now() - t0) / Double(chunk)
        }
        var a: [Double] = [], b: [Double] = []
        // Which goes first alternates: the second of a pair may run on a warmer host.
        for r in 0..<rounds {
            if r % 2 == 0 { a.append(time(probed: false)); b.append(time(probed: true)) } else {
                b.append(time(probed: true)); a.append(time(probed: false))
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
        if graph.unannotated != Figure611.graph.unannotated && !probes.isEmpty {
            checkCost(graph, src.train, loop.state.params, names: loop.parameters.map(\.name), threads: threads,
                      probes: probes)
        }
    }

    /// The engine's side, timed apart (best of many, so the host's noise mostly drops out): one
    /// update's forward and backward passes, and the probes' readings of them, as the executor
    /// reads them: what a sum of squares vouches for, the images, the weights (which its last update
    /// pass found finite) and the weights' gradients (which its update pass checks and, for a norm,
    /// sums) left out. (The pass's own sum of squares is not in the time.)
    static func checkCost(_ graph: Graph, _ data: Dataset, _ params: [[Float]], names: [String], threads: Int,
                          probes: [TensorPredicate]) {
        let g = graph.fusedForTraining(probes: probes)
        guard let e = try? Engine<Float>(graph: g, constants: ["λ": 1e-4, "k": Float(data.classes)]) else { return }
        let kernels = Kernels<Float>(threads: threads)
        let (X, y): (Matrix<Float>, Matrix<Float>) = data.matrix(rows: Array(0..<128))
        var b = ["X": X, "y": y]
        for (n, p) in zip(names, params) {
            let shape = g.leafShapes(m: 128, d: data.d, k: data.classes, h: 256)[n]!
            b[n] = Matrix(rows: shape.rows, cols: shape.cols, p)
        }
        let rebound = probes.compactMap { $0.rebound(from: graph, to: g) }
        let known = Set((["X", "y"] + names).compactMap { g.id($0) })
        let passed = names.compactMap { g.id($0) }.filter { e.deferrableDecay(of: $0) != nil }
        func best(_ reps: Int, _ body: () -> Void) -> Double {
            var t = Double.infinity
            for _ in 0..<reps {
                let t0 = DispatchTime.now().uptimeNanoseconds
                body()
                t = min(t, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            }
            return t
        }
        var s = try! e.start(b)
        var grads: [Matrix<Float>?] = []
        let pass = best(100) {
            s = try! e.start(b)
            try! e.run(&s, to: e.forwardNodes.count, kernels: kernels)
            grads = e.backward(values: s.values, kernels: kernels)
        }
        var norms: [Int: Double] = [:]
        for id in passed { norms[id] = grads[id].map { TensorHealth.sumOfSquares($0) } }
        let read = best(300) {
            _ = TensorPredicate.readings(rebound, values: s.values, grads: grads, graph: g, known: known,
                                         knownGrads: Set(passed), gradNormSquares: norms)
        }
        print(String(format: "  timed apart (best of 100/300, wall clock): forward+backward %.1f µs, the probes' "
                     + "readings %.1f µs: %.1f%% of the passes", pass * 1e6, read * 1e6, 100 * read / pass))
    }
}
