import BackpropCore
import BackpropData
import BackpropExplorer
import BackpropIO
import Foundation

/// Where one engine update's time goes, node by node: each forward evaluation and each backward
/// step of `GRAPH` (sums of squares fused, as training runs it) on Fashion-MNIST's first 128
/// examples in their order (float32, 256 hidden, random weights), best of `REPS`, with the share
/// of the total. It steps as the TUI does (`Engine.advance`), which keeps each backward term for
/// display, so a node with fan-in copies its gradient once where training adds in place; small
/// nodes read a little high (cross_entropy 25 µs here, ~6 µs of a training profile).
///
///   backprop-bench steps GRAPH [REPS] [THREADS]
enum StepBench {
    static func run(_ args: [String]) {
        let cli = BenchArguments(mode: "steps", usage: "backprop-bench steps GRAPH [REPS] [THREADS]", args: args)
        let (path, written) = cli.graph()
        let reps = cli.count(1, "REPS", fallback: 100), threads = cli.count(2, "THREADS", fallback: 1)
        let src = cli.fashionMNIST()
        let g = written.fusedForTraining(), data = src.train
        guard let e = try? Engine<Float>(graph: g, constants: ["λ": 1e-4, "k": Float(data.classes)]) else { return }
        let kernels = Kernels<Float>(threads: threads)
        let (X, y): (Matrix<Float>, Matrix<Float>) = data.matrix(rows: Array(0..<128))
        var b = ["X": X, "y": y]
        var rng = SeededGenerator(seed: 1)
        for (name, shape) in g.parameterShapes(d: data.d, k: data.classes, h: 256) {
            b[name] = Matrix(rows: shape.rows, cols: shape.cols,
                             (0..<shape.count).map { _ in Float(rng.nextUnit() - 0.5) * 0.1 })
        }
        let s0 = try! e.start(b)
        var best = [Double](repeating: .infinity, count: e.stepCount)
        for _ in 0..<reps {
            var s = s0
            for p in 0..<e.stepCount {
                let t0 = DispatchTime.now().uptimeNanoseconds
                try! e.advance(&s, kernels: kernels)
                best[p] = min(best[p], Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3)
            }
        }
        let total = best.reduce(0, +)
        print("\(path), \(threads) thread(s), best of \(reps): \(String(format: "%.1f", total)) µs in all")
        for p in 0..<e.stepCount {
            print(String(format: "  %7.1f µs %5.1f%%  ", best[p], 100 * best[p] / total) + e.describe(step: p))
        }
    }
}
