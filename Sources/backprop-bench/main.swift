import BackpropCore
import BackpropIO
import BackpropTraining
import BackpropKernels
import Foundation
import BackpropData

/// GEMM GFLOP/s for each product of one Figure 6.11 training step (784-256-10, m = 128), and the
/// fused step's time, at 1 and 2 threads. Best of 5 runs of ≥ 0.2 s each.
let d = 784, nh = 256, k = 10, m = 128
struct Shape { var name: String; var m: Int; var n: Int; var k: Int; var tA: Bool; var tB: Bool }
let shapes = [
    Shape(name: "U1 = X W1     ", m: m, n: nh, k: d, tA: false, tB: false),
    Shape(name: "U2 = H W2     ", m: m, n: k, k: nh, tA: false, tB: false),
    Shape(name: "Hᵀ G          ", m: nh, n: k, k: m, tA: true, tB: false),
    Shape(name: "G W2ᵀ (mask)  ", m: m, n: nh, k: k, tA: false, tB: true),
    Shape(name: "Xᵀ G'         ", m: d, n: nh, k: m, tA: true, tB: false),
]

func seconds(_ body: () -> Void) -> Double {
    var reps = 1
    while true {
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<reps { body() }
        let s = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        if s > 0.2 {
            var best = s / Double(reps)
            for _ in 0..<4 {
                let t1 = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<reps { body() }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9 / Double(reps))
            }
            return best
        }
        reps *= 2
    }
}

if CommandLine.arguments.dropFirst().first == "cores" {
    // One line for the epoch table (see `HostProbe`): "45ns 57/57G".
    let pool = WorkerPool(threads: 2)
    let ns = HostProbe.oneWayNanoseconds(pool), fma = HostProbe.fmaRates(pool)
    pool.shutdown()
    print(String(format: "%.0fns %@G", ns, fma.map { String(format: "%.0f", $0) }.joined(separator: "/")))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "tui-epoch" {
    // backprop-bench tui-epoch [THREADS] [ROUNDS]
    let a = CommandLine.arguments
    TrainBench.run(threads: a.count > 2 ? Int(a[2]) ?? 2 : 2, rounds: a.count > 3 ? Int(a[3]) ?? 3 : 3)
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "steps" {
    StepBench.run(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "breakpoints" {
    BreakBench.run(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "frames" {
    FrameBench.run()
    exit(0)
}

var rng = SeededGenerator(seed: 1)
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
let t0 = now()
let fashion = try? DataSource.load("fashion-mnist").train
let t1 = now()
/// Minibatches arranged as `--batch` arranges them (alike images together: see `MinibatchOrder`).
var arrangement = fashion.map { MinibatchOrder($0, maxBatch: m) }
if let fashion, case .bytes(let b) = fashion.features {
    // What comes before the first step of `--batch --data fashion-mnist` (the test set aside).
    let t2 = now()
    var h = SHA256(); h.update(b)
    let t3 = now()
    print(String(format: "start-up: Fashion-MNIST loaded in %.0f ms (gunzip, checks, SHA-256 of the bytes: %.0f ms of "
                         + "it), arrangement keys %.0f ms",
                 (t1 - t0) * 1e3, (t3 - t2) * 1e3, (t2 - t1) * 1e3))
}
// The minibatch gather: 128 shuffled rows of 784 bytes into floats scaled to [0, 1].
do {
    let n = 60_000
    let data = Dataset(name: "bytes",
                       features: .bytes((0..<(n * d)).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }),
                       labels: (0..<n).map { UInt8($0 % 10) }, count: n, d: d, classes: 10, imageSide: 28, digest: "")
    let perm = (0..<n).shuffled(using: &rng)
    var x = [Float](repeating: 0, count: m * d), y = [Float](repeating: 0, count: m)
    var at = 0
    let t = seconds {
        x.withUnsafeMutableBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                data.gather(perm[at..<(at + m)], rows: 0..<m, x: xp.baseAddress!, y: yp.baseAddress!)
            }
        }
        at = (at + m) % (n - m)
    }
    print(String(format: "gather of %d shuffled rows (bytes → float32): %.1f µs", m, t * 1e6))
}
if let fashion, var arrangement {
    let perm = (0..<fashion.count).shuffled(using: &rng)
    var at = 0
    let t = seconds {
        _ = arrangement.arrange(perm[at..<(at + m)])   // (it writes the arrangement's buffers: not optimised away)
        at = (at + m) % (fashion.count - m)
    }
    print(String(format: "arrangement of a minibatch of %d (MinibatchOrder): %.1f µs", m, t * 1e6))
}
for threads in [1, 2] {
    let pool = threads > 1 ? WorkerPool(threads: threads) : nil
    let g = ParallelGEMM<Float>(pool: pool)
    print("threads \(threads)")
    var total = 0.0
    for s in shapes {
        let a = (0..<(s.m * s.k)).map { _ in Float(rng.nextUnit()) }
        let b = (0..<(s.k * s.n)).map { _ in Float(rng.nextUnit()) }
        var c = [Float](repeating: 0, count: s.m * s.n)
        let t = seconds {
            c.withUnsafeMutableBufferPointer { cp in
                g.gemm(m: s.m, n: s.n, k: s.k, a: a, aCols: s.tA ? s.m : s.k, transA: s.tA, b: b,
                       bCols: s.tB ? s.k : s.n, transB: s.tB, c: cp.baseAddress!)
            }
        }
        total += t
        var line = String(format: "  gemm %@ %4d×%4d×%4d  %7.1f GFLOP/s  %7.1f µs", s.name, s.m, s.n, s.k,
                          2.0 * Double(s.m * s.n * s.k) / t / 1e9, t * 1e6)
        // The products that read X, again with a real (arranged) minibatch's X and its zero pixels left out.
        if let fashion, var arrangement, s.m == d || s.k == d {
            var x = [Float](repeating: 0, count: m * d), y = [Float](repeating: 0, count: m)
            x.withUnsafeMutableBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
                fashion.gather(arrangement.arrange(Array(0..<m).map { $0 * 397 % fashion.count }[...]), rows: 0..<m,
                               x: xp.baseAddress!, y: yp.baseAddress!)
            } }
            // Split by columns, as training splits them.
            let ts = seconds {
                c.withUnsafeMutableBufferPointer { cp in
                    if s.tA {
                        g.gemm(m: s.m, n: s.n, k: s.k, a: x, aCols: d, transA: true, b: b, bCols: s.n, transB: false,
                               c: cp.baseAddress!, skipZeroA: true, split: .columns)
                    } else {
                        g.gemm(m: s.m, n: s.n, k: s.k, a: x, aCols: d, transA: false, b: b, bCols: s.n, transB: false,
                               c: cp.baseAddress!, skipZeroA: true, split: .columns)
                    }
                }
            }
            line += String(format: "   Fashion-MNIST X, zeros skipped: %7.1f µs (%.1f GFLOP/s dense-equivalent)",
                           ts * 1e6, 2.0 * Double(s.m * s.n * s.k) / ts / 1e9)
        }
        print(line)
    }
    // The fused step on random data, with the input already in place (no gather). The trainer has
    // threads of its own: the products' pool stops first, so no idle worker competes with them.
    pool?.shutdown()
    var r2 = SeededGenerator(seed: 2)
    let W1: Matrix<Float> = Initializer.he.weights(fanIn: d, fanOut: nh, rng: &r2)
    let W2: Matrix<Float> = Initializer.he.weights(fanIn: nh, fanOut: k, rng: &r2)
    let f = FusedTrainer<Float>(d: d, nh: nh, k: k, maxBatch: m, W1: W1.storage, W2: W2.storage, learningRate: 0.01,
                                lambda: 1e-4, threads: threads)
    let X = (0..<(m * d)).map { _ in Float(r2.nextUnit()) }
    let y = (0..<m).map { _ in Float(r2.nextIndex(below: k)) }
    // Steady state, as in training: the mean of 5 × 100 consecutive steps, best run kept.
    for skip in [false, true] {
        f.skipZeros = skip
        var t = Double.infinity
        for _ in 0..<5 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<100 {
                _ = f.step(m: m) { x, l in x.update(from: X, count: m * d); l.update(from: y, count: m) }
            }
            t = min(t, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 / 100)
        }
        print(String(format: "  products %.1f µs; fused step %.1f µs = %.0f samples/s (skip %@)", total * 1e6, t * 1e6,
                     Double(m) / t, "\(skip)"))
    }
    // The same on real minibatches, when Fashion-MNIST is installed: shuffled rows, arranged as in
    // an epoch, X's zero pixels left out of X W1 and Xᵀ G' (or not), and X either read as bytes by
    // the products, as training does, or gathered into a float X first (the float data sets' path).
    if let fashion, var arrangement, case .bytes = fashion.features {
        let n = fashion.count
        let perm = (0..<n).shuffled(using: &r2)
        for (skip, bytes) in [(false, true), (true, false), (true, true)] {
            f.skipZeros = skip
            var t = Double.infinity, at = 0
            for _ in 0..<5 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<100 {
                    let rows = arrangement.arrange(perm[at..<(at + m)])
                    at = (at + m) % (n - m)
                    let next = perm[at..<(at + m)]
                    _ = f.step(on: fashion, rows: rows, next: next, floats: !bytes)
                }
                t = min(t, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 / 100)
            }
            print(String(format: "  Fashion-MNIST minibatches, %@: %.1f µs per step = %.0f samples/s (skip zeros %@)",
                         bytes ? "X read as bytes" : "X gathered as floats", t * 1e6, Double(m) / t, "\(skip)"))
        }
    }
}
