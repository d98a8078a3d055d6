import TestSupport
import Testing
import Foundation
import BackpropCore
@testable import BackpropIO
import BackpropData

/// The real binary, run as a user would run it.
@Suite(.serialized)
struct BatchTests {
    /// Weight tensors of a saved file (metadata aside: it records the run's own step counters).
    func weights(_ path: String) -> [UInt8] {
        guard let st = try? SafeTensors.load(path) else { return [] }
        return (st["W1"]?.bytes ?? []) + (st["W2"]?.bytes ?? [])
    }

    @Test func defaultRunReachesTheAccuracyGoal() throws {
        let r = Binary.run(["--batch", "--epochs", "500"])
        #expect(r.status == 0, "\(r.stderr)")
        let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("summary: train_acc") }
        let acc = line.flatMap { Double($0.split(separator: " ")[2]) } ?? 0
        #expect(acc >= 0.95, "\(r.stdout)")
        #expect(!r.stdout.contains("\u{1B}") && !r.stderr.contains("\u{1B}"), "no control characters when not a terminal")
        #expect(r.stdout.contains("multiply-adds") && r.stdout.contains("bytes kept for backward"))
    }

    @Test func resumingEqualsAnUninterruptedRun() {
        let dir = tempDir()
        let common = ["--batch", "--epochs", "4", "--batch-size", "64"]
        #expect(Binary.run(common + ["--save", "\(dir)/full.st"]).status == 0)
        // Stop at an epoch boundary, then mid-epoch, and resume each to 4 epochs.
        #expect(Binary.run(["--batch", "--epochs", "2", "--batch-size", "64", "--save", "\(dir)/half.st"]).status == 0)
        let r1 = Binary.run(common + ["--resume", "\(dir)/half.st", "--save", "\(dir)/resumed.st"])
        #expect(r1.status == 0, "\(r1.stderr)")
        #expect(Binary.run(common + ["--steps", "7", "--save", "\(dir)/mid.st"]).status == 0)
        let r2 = Binary.run(common + ["--resume", "\(dir)/mid.st", "--save", "\(dir)/resumed2.st"])
        #expect(r2.status == 0, "\(r2.stderr)")
        let full = weights("\(dir)/full.st")
        #expect(!full.isEmpty)
        #expect(weights("\(dir)/resumed.st") == full, "resume at an epoch boundary")
        #expect(weights("\(dir)/resumed2.st") == full, "resume mid-epoch")
        #expect(weights("\(dir)/mid.st") != full, "the comparison can fail")
        // A resumed run's epoch lines equal the uninterrupted run's last epochs (loss, accuracy).
        func epochLines(_ s: String) -> [String] { s.split(separator: "\n").filter { $0.hasPrefix("epoch") }.map { String($0.prefix(80)) } }
        let fullRun = Binary.run(common)
        #expect(Array(epochLines(fullRun.stdout).suffix(2)) == epochLines(r1.stdout))
    }

    @Test func xoshiroRunsAndOldCheckpointsResume() throws {
        let dir = tempDir()
        let common = ["--batch", "--epochs", "3", "--batch-size", "64", "--rng", "xoshiro"]
        #expect(Binary.run(common + ["--save", "\(dir)/full.st"]).status == 0)
        #expect(Binary.run(common + ["--steps", "13", "--save", "\(dir)/mid.st"]).status == 0)
        let r = Binary.run(common + ["--resume", "\(dir)/mid.st", "--save", "\(dir)/resumed.st"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!weights("\(dir)/full.st").isEmpty && weights("\(dir)/resumed.st") == weights("\(dir)/full.st"))
        #expect(Binary.run(["--batch", "--epochs", "3", "--batch-size", "64", "--save", "\(dir)/numpy.st"]).status == 0)
        #expect(weights("\(dir)/numpy.st") != weights("\(dir)/full.st"), "the two streams differ")
        // A checkpoint written before --rng existed has no "rng" entry: it resumes as xoshiro, and only so.
        let st = try SafeTensors.load("\(dir)/mid.st")
        let old = SafeTensors(tensors: st.tensors, metadata: st.metadata.filter { $0.0 != "rng" })
        writeFixture("\(dir)/old.st", old.encoded())
        #expect(Binary.run(common + ["--resume", "\(dir)/old.st", "--save", "\(dir)/old-resumed.st"]).status == 0)
        #expect(weights("\(dir)/old-resumed.st") == weights("\(dir)/full.st"))
        let wrong = Binary.run(["--batch", "--epochs", "3", "--batch-size", "64", "--resume", "\(dir)/old.st"])
        #expect(wrong.status == 65 && wrong.stderr.contains("made with rng = xoshiro; this run has numpy"), "\(wrong.stderr)")
    }

    /// One float64 step from numpy's own draws (`default_rng(seed)` for W1 then W2, the first
    /// minibatch of `default_rng(seed + 1).permutation(n)`), computed by numpy, equals ours.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BACKPROP_PYTHON"] != nil))
    func numpyStreamStartsWhereNumpyStarts() throws {
        let data = Self.syntheticIDX(), dir = tempDir()
        let r = Binary.run(["--batch", "--data", data, "--precision", "float64", "--hidden", "16", "--batch-size", "32",
                            "--steps", "1", "--seed", "77", "--save", "\(dir)/w.st"])
        #expect(r.status == 0, "\(r.stderr)")
        let script = """
            import sys, numpy as np
            d, out = sys.argv[1], sys.argv[2]
            X = np.fromfile(d + '/train-images-idx3-ubyte', np.uint8, offset=16).reshape(1000, 64) / 255.0
            y = np.fromfile(d + '/train-labels-idx1-ubyte', np.uint8, offset=8).astype(np.int64)
            g = np.random.default_rng(77)
            W1 = g.standard_normal((64, 16)) * np.sqrt(2 / 64); W2 = g.standard_normal((16, 10)) * np.sqrt(2 / 16)
            b = np.random.default_rng(78).permutation(1000)[:32]
            Xb, yb, lam = X[b], y[b], 1e-4
            U1 = Xb @ W1; H = np.maximum(U1, 0); U2 = H @ W2
            P = np.exp(U2 - U2.max(1, keepdims=True)); P /= P.sum(1, keepdims=True)
            G = P.copy(); G[np.arange(32), yb] -= 1; G /= 32
            gW2 = H.T @ G + 2 * lam * W2; Gp = (G @ W2.T) * (U1 > 0); gW1 = Xb.T @ Gp + 2 * lam * W1
            open(out, 'wb').write(np.concatenate([(W1 - 0.1 * gW1).ravel(), (W2 - 0.1 * gW2).ravel()]).tobytes())
            """
        let py = Binary.run(["-c", script, data, "\(dir)/numpy.bin"], executable: ProcessInfo.processInfo.environment["BACKPROP_PYTHON"]!)
        #expect(py.status == 0, "\(py.stderr)")
        let theirs = bytes("\(dir)/numpy.bin").withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        let w = try WeightsFile<Double>.load("\(dir)/w.st", d: 64, hidden: 16, classes: 10)
        let ours = w.W1.storage + w.W2.storage
        #expect(theirs.count == ours.count)
        let worst = zip(ours, theirs).map { abs($0 - $1) / max(abs($1), 1e-300) }.max() ?? .infinity
        #expect(worst <= 1e-10, "largest relative difference \(worst)")
    }

    @Test func sigintFinishesTheStepSavesAndResumes() throws {
        let dir = tempDir()
        let args = ["--batch", "--epochs", "100000", "--batch-size", "64", "--save", "\(dir)/ck.st", "--log", "\(dir)/log.jsonl", "--log-every", "1"]
        let (p, o, e) = Binary.start(args)
        // Interrupted once it has logged 25 updates: the signal comes on an observed event, mid-run.
        #expect(waitForLines("\(dir)/log.jsonl", count: 25, while: p) >= 25)
        p.interrupt()
        let r = Binary.finish(p, o, e)
        #expect(r.status == 130, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("backprop-tui: error: "), "\(r.stderr)")
        let st = try SafeTensors.load("\(dir)/ck.st")
        let step = Int(st.meta("step") ?? "") ?? 0
        #expect(step > 0)
        let epochs = step / 10 + 2   // 600 examples / 64 = 10 steps an epoch
        let resumed = Binary.run(["--batch", "--epochs", "\(epochs)", "--batch-size", "64", "--resume", "\(dir)/ck.st", "--save", "\(dir)/r.st"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(Binary.run(["--batch", "--epochs", "\(epochs)", "--batch-size", "64", "--save", "\(dir)/u.st"]).status == 0)
        #expect(weights("\(dir)/r.st") == weights("\(dir)/u.st"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["ck.st", "log.jsonl", "r.st", "u.st"], "no temporary files")
    }

    /// An IDX folder big enough that the products are split between threads.
    static func syntheticIDX() -> String {
        let dir = tempDir()
        var rng = SeededGenerator(seed: 3)
        let n = 1000, side = 8
        let images = IDXArray(dims: [n, side, side], bytes: (0..<(n * side * side)).map { _ in UInt8(rng.nextIndex(below: 256)) })
        let labels = IDXArray(dims: [n], bytes: (0..<n).map { i in UInt8(images.bytes[i * 64 ..< i * 64 + 8].reduce(0) { $0 + Int($1) } % 10) })
        writeFixture(dir + "/train-images-idx3-ubyte", images.encoded)
        writeFixture(dir + "/train-labels-idx1-ubyte", labels.encoded)
        return dir
    }

    @Test func threadCountGivesIdenticalWeights() {
        let data = Self.syntheticIDX()
        let out = tempDir()
        for t in [1, 2] {
            let r = Binary.run(["--batch", "--data", data, "--hidden", "96", "--batch-size", "100", "--epochs", "2", "--threads", "\(t)", "--save", "\(out)/t\(t).st"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(!weights("\(out)/t1.st").isEmpty && weights("\(out)/t1.st") == weights("\(out)/t2.st"))
    }

    @Test(arguments: ["float32", "float64"])
    func traceEqualsTheCoresStepList(_ precision: String) throws {
        let dir = tempDir()
        let r = Binary.run(["--batch", "--steps", "0", "--trace", "\(dir)/t.st", "--batch-size", "16", "--precision", precision, "--log", "\(dir)/log.jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        let st = try SafeTensors.load("\(dir)/t.st")
        let names = Set(st.tensors.map(\.name))
        let expected: Set<String> = ["X", "y", "W1", "W2", "U1", "H", "U2", "J_MLE", "U3", "u4", "U5", "u6", "u7", "u8", "J",
                                     "G", "G_prime", "HT_G", "G_W2T", "XT_Gprime", "decay_W1", "decay_W2"]
        #expect(expected.isSubset(of: names), "missing \(expected.subtracting(names))")
        for n in ["U1", "H", "U2", "J_MLE", "U3", "u4", "U5", "u6", "u7", "u8", "J", "W1", "W2"] { #expect(names.contains("grad_" + n), "grad_\(n)") }
        #expect(st["y"]?.dtype == "I64" && st["y"]?.shape == [16] && st["J"]?.shape == [] && st["X"]?.shape == [16, 3])
        // Recompute with the core from the trace's own inputs, its rows taken in `minibatch.sum_order`
        // (the order the update's sums ran in): every tensor must match bit for bit. In the rows'
        // own order the sums over the minibatch may differ by rounding only.
        let sumOrder = st["minibatch.sum_order"]!.doubles()!.map { Int($0) }
        #expect(sumOrder.sorted() == Array(0..<16) && st["minibatch.examples"]?.shape == [16])
        func check<T: Real>(_: T.Type) throws {
            func m(_ n: String, rows order: [Int]? = nil) -> Matrix<T> {
                let t = st[n]!
                let v = t.doubles()!.map { T($0) }
                let cols = t.shape.count > 1 ? t.shape[1] : 1
                let a = Matrix(rows: t.shape.first ?? 1, cols: cols, v)
                guard let order else { return a }
                return Matrix(rows: a.rows, cols: cols) { i, j in a[order[i], j] }
            }
            let e = try Engine<T>(graph: Figure611.graph, constants: ["λ": T(1e-4)])
            var s = try e.start(["X": m("X", rows: sumOrder), "y": m("y", rows: sumOrder), "W1": m("W1"), "W2": m("W2")])
            try e.run(&s)
            var back = [Int](repeating: 0, count: 16)
            for (r, u) in sumOrder.enumerated() { back[u] = r }
            let mine = Dictionary(uniqueKeysWithValues: Trace.tensors(s, engine: e, rows: back).map { ($0.name, $0.tensor) })
            #expect(Set(mine.keys) == names.subtracting(["minibatch.examples", "minibatch.sum_order"]))
            for (name, t) in mine { #expect(st[name] == t, "\(name)") }
            var plain = try e.start(["X": m("X"), "y": m("y"), "W1": m("W1"), "W2": m("W2")])
            try e.run(&plain)
            let bound = T.self == Double.self ? 1e-12 : 1e-5
            for (name, t) in Trace.tensors(plain, engine: e) {
                let a = t.doubles()!, b = st[name]!.doubles()!
                let scale = max(b.map(abs).max() ?? 0, 1e-300)
                let err = (zip(a, b).map { abs($0 - $1) }.max() ?? 0) / scale
                #expect(err <= bound, "\(name) in the rows' own order: \(err) relative")
            }
        }
        if precision == "float32" { try check(Float.self) } else { try check(Double.self) }
    }

    @Test func logIsJSONLinesWithTheDocumentedFields() throws {
        let dir = tempDir()
        let r = Binary.run(["--batch", "--epochs", "3", "--log", "\(dir)/log.jsonl", "--log-every", "2"])
        #expect(r.status == 0)
        let lines = String(decoding: bytes("\(dir)/log.jsonl"), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3 + 15 / 2)
        for l in lines {
            let j = try JSONParser.parse(Array(l.utf8))
            for k in ["epoch", "step", "J", "J_MLE", "train_acc", "test_acc", "samples_per_s", "seconds"] { #expect(j[k] != nil, "\(k) in \(l)") }
        }
        let last = try JSONParser.parse(Array(lines.last!.utf8))
        #expect(last["epoch"]?.int == 3 && last["train_acc"]?.number != nil)
    }

    /// Python's safetensors reads our files and numpy agrees with the trace (when CI provides the venv).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BACKPROP_PYTHON"] != nil))
    func pythonInterop() throws {
        let py = ProcessInfo.processInfo.environment["BACKPROP_PYTHON"]!
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("interop/check_trace.py").path
        for precision in ["float64", "float32"] {
            let dir = tempDir()
            #expect(Binary.run(["--batch", "--steps", "0", "--trace", "\(dir)/t.st", "--batch-size", "32", "--precision", precision]).status == 0)
            let r = Binary.run([script, "\(dir)/t.st", precision == "float64" ? "1e-10" : "1e-5", "\(dir)/py.st"], executable: py)
            #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
            // And a file numpy wrote loads here as weights.
            let w = try WeightsFile<Double>.load("\(dir)/py.st", d: 3, hidden: 4, classes: 3)
            #expect(w.W1.storage == (0..<12).map { Double($0) / 8 })
        }
    }
}
