import TestSupport
import Testing
import Foundation
import BackpropCore
import PlainLoopOracle
@testable import BackpropIO
import BackpropData

/// A trace holds the user's own numbers: the data's rows as the file wrote them, in the file's
/// order, and every quantity as an independent float64 oracle computes it from them.
@Suite(.serialized)
struct TraceTests {
    /// A matrix from a trace tensor ([] scalars, [m] labels as a column).
    static func matrix(_ st: SafeTensors, _ name: String) -> [[Double]] {
        guard let t = st[name], let v = t.doubles() else { return [] }
        let cols = t.shape.count > 1 ? t.shape[1] : 1
        return stride(from: 0, to: v.count, by: cols).map { Array(v[$0..<($0 + cols)]) }
    }

    /// Largest |ours − theirs| over the largest |theirs| (the tensor's own scale).
    static func relativeError(_ ours: [[Double]], _ theirs: [[Double]]) -> Double {
        guard ours.count == theirs.count, zip(ours, theirs).allSatisfy({ $0.count == $1.count }) else { return .infinity }
        let scale = max(theirs.joined().map(abs).max() ?? 0, 1e-300)
        return (zip(ours.joined(), theirs.joined()).map { abs($0 - $1) }.max() ?? 0) / scale
    }

    /// The trace names of the oracle's quantities (the book's names on the oracle's side).
    static let named: [(trace: String, oracle: String)] = [
        ("U1", "U1"), ("H", "H"), ("U2", "U2"), ("G", "G"), ("G_prime", "G'"), ("HT_G", "Hᵀ G"), ("G_W2T", "G W2ᵀ"),
        ("XT_Gprime", "Xᵀ G'"), ("decay_W1", "2λW1"), ("decay_W2", "2λW2"), ("grad_W1", "∇W1 J"), ("grad_W2", "∇W2 J"),
        ("grad_U2", "G"), ("grad_U1", "G'"), ("grad_H", "G W2ᵀ"), ("J_MLE", "J_MLE"), ("J", "J"),
    ]

    /// A random CSV problem: text with every value written to `digits` significant digits, the
    /// values as the text gives them, and weights to start from.
    struct Problem {
        var text: String, X: [[Double]], y: [Int], W1: [[Double]], W2: [[Double]]
        init(seed: UInt64, m: Int, d: Int, nh: Int, k: Int, digits: Int, header: Bool) {
            var g = SeededGenerator(seed: seed)
            func value(_ scale: Double) -> Double { (Double(g.nextIndex(below: 1 << 40)) / Double(1 << 40) * 2 - 1) * scale }
            func written(_ v: Double) -> (String, Double) {
                let s = String(format: "%.\(digits)g", v)
                return (s, digits > 9 ? Double(s)! : Double(Float(s)!))
            }
            var lines = header ? ["label," + (1...d).map { "x\($0)" }.joined(separator: ",")] : []
            (X, y) = ([], [])
            for r in 0..<m {
                let label = r < k ? r : g.nextIndex(below: k)   // every class appears, so k is the data's
                var row: [Double] = [], fields = ["\(label)"]
                for _ in 0..<d {
                    let (s, v) = written(value(pow(10, Double(g.nextIndex(below: 5)) - 2)))
                    fields.append(s); row.append(v)
                }
                lines.append(fields.joined(separator: ",")); X.append(row); y.append(label)
            }
            text = lines.joined(separator: "\n") + "\n"
            W1 = (0..<d).map { _ in (0..<nh).map { _ in written(value(1)).1 } }
            W2 = (0..<nh).map { _ in (0..<k).map { _ in written(value(1)).1 } }
        }

        /// Writes the CSV and the weights (as `T`, which holds them exactly); returns their paths.
        func write<T: Real>(_ dir: String, _: T.Type) -> (csv: String, weights: String) {
            writeFixture("\(dir)/data.csv", Array(text.utf8))
            func m(_ a: [[Double]]) -> Matrix<T> { Matrix(rows: a.count, cols: a[0].count, a.joined().map { T($0) }) }
            writeFixture("\(dir)/w.st", WeightsFile<T>(W1: m(W1), W2: m(W2), metadata: []).encoded())
            return ("\(dir)/data.csv", "\(dir)/w.st")
        }
    }

    /// Random CSV files of 17-digit values, float64, in file order, from given weights: X is the
    /// file's rows exactly, and every named quantity equals the plain-loop oracle to 1e-10; the
    /// same in float32 from 9-digit values to 1e-5.
    @Test(arguments: [("float64", 17, 1e-10), ("float32", 9, 1e-5)])
    func traceOfACSVFileIsTheUsersNumbers(_ precision: String, _ digits: Int, _ tolerance: Double) throws {
        for seed in UInt64(1)...6 {
            var g = SeededGenerator(seed: seed &* 7919)
            let (m, d, nh, k) = (4 + g.nextIndex(below: 8), 2 + g.nextIndex(below: 6), 2 + g.nextIndex(below: 7), 2 + g.nextIndex(below: 3))
            let p = Problem(seed: seed, m: m, d: d, nh: nh, k: k, digits: digits, header: seed % 2 == 0)
            let dir = tempDir()
            let (csv, w) = precision == "float64" ? p.write(dir, Double.self) : p.write(dir, Float.self)
            let r = Binary.run(["--batch", "--data", csv, "--precision", precision, "--no-shuffle", "--batch-size", "\(m)", "--steps", "0",
                                "--hidden", "\(nh)", "--lambda", "0.003", "--init", w, "--trace", "\(dir)/t.st"])
            #expect(r.status == 0, "\(r.stderr)")
            let st = try SafeTensors.load("\(dir)/t.st")
            #expect(Self.matrix(st, "X") == p.X, "seed \(seed): X is the file's rows, in its order, exactly")
            #expect(Self.matrix(st, "y").joined().map { Int($0) } == p.y, "seed \(seed): y")
            #expect(st["minibatch.examples"]?.doubles() == (0..<m).map(Double.init))
            let ref = PlainLoopReference(X: p.X, W1: p.W1, W2: p.W2, y: p.y, lambda: precision == "float64" ? 0.003 : Double(Float(0.003)), lr: 0.1).run()
            for (name, oracle) in Self.named {
                let err = Self.relativeError(Self.matrix(st, name), ref[oracle]!)
                #expect(err <= tolerance, "seed \(seed) (\(m)×\(d), n_h \(nh), k \(k)): \(name) is off by \(err) relative")
            }
        }
    }

    /// float64 keeps a value beyond float32's range; float32 refuses it in one line with its place.
    @Test func float64KeepsValuesBeyondFloat32() throws {
        let dir = tempDir()
        let csv = "\(dir)/wide.csv"
        writeFixture(csv, Array("0,1,2\n1,3e300,-4\n2,5,6\n".utf8))
        let r = Binary.run(["--batch", "--data", csv, "--precision", "float64", "--no-shuffle", "--batch-size", "3", "--steps", "0",
                            "--hidden", "4", "--trace", "\(dir)/t.st"])
        #expect(r.status == 0, "\(r.stderr)")
        let st = try SafeTensors.load("\(dir)/t.st")
        #expect(Self.matrix(st, "X") == [[1, 2], [3e300, -4], [5, 6]])
        let narrow = Binary.run(["--batch", "--data", csv, "--precision", "float32", "--steps", "0"])
        #expect(narrow.status == 65 && narrow.stdout.isEmpty, "\(narrow.stderr)")
        #expect(narrow.stderr == "backprop-tui: error: \(csv): line 2, column 2: 3e300 is outside the float32 range; expected a magnitude below 3.4e38 (or --precision float64)\n")
    }

    /// IDX bytes are scaled in the run's precision (X = byte · (1/255) in float64 for a float64
    /// run), and the trace's rows are the examples of the epoch's order, which it names.
    @Test func idxBytesAreScaledInTheRunsPrecision() throws {
        let data = BatchTests.syntheticIDX(), dir = tempDir()
        let r = Binary.run(["--batch", "--data", data, "--precision", "float64", "--batch-size", "32", "--hidden", "8", "--steps", "0",
                            "--trace", "\(dir)/t.st"])
        #expect(r.status == 0, "\(r.stderr)")
        let st = try SafeTensors.load("\(dir)/t.st")
        #expect(st["X"]?.dtype == "F64")
        let images = Array(bytes(data + "/train-images-idx3-ubyte").dropFirst(16))
        let examples = st["minibatch.examples"]!.doubles()!.map { Int($0) }
        var g = NumpyGenerator(seed: 1234, offset: 1)
        #expect(examples == Array(g.permutation(1000).prefix(32)), "the first 32 of the epoch's order, in that order")
        let expected = examples.map { e in (0..<64).map { Double(images[e * 64 + $0]) * (1 / 255 as Double) } }
        #expect(Self.matrix(st, "X") == expected)
    }

    /// Weight tensors of a saved file, by name.
    func weights<T: Real>(_ path: String, _: T.Type) throws -> [String: [T]] {
        let st = try SafeTensors.load(path)
        return ["W1": st["W1"]!.doubles()!.map { T($0) }, "W2": st["W2"]!.doubles()!.map { T($0) }]
    }

    /// `--trace-step 5` shows the state that 4 updates left, and its gradients make the 5th update
    /// exactly; a run resumed after update 3 traces the same update bit for bit.
    @Test(arguments: ["float64", "float32"])
    func traceStepIsTheStateTheUpdatesLeave(_ precision: String) throws {
        let dir = tempDir()
        let common = ["--batch", "--batch-size", "64", "--precision", precision, "--threads", "2"]
        for k in [4, 5] { #expect(Binary.run(common + ["--steps", "\(k)", "--save", "\(dir)/after\(k).st"]).status == 0) }
        let r = Binary.run(common + ["--epochs", "1", "--trace-step", "5", "--trace", "\(dir)/t.st"])
        #expect(r.status == 0, "\(r.stderr)")
        let st = try SafeTensors.load("\(dir)/t.st")
        #expect(st.meta("update") == "5" && st.meta("epoch") == "1")
        func check<T: Real>(_: T.Type) throws {
            let before = try weights("\(dir)/after4.st", T.self), after = try weights("\(dir)/after5.st", T.self)
            let lr = T(Double(st.meta("lr")!)!)
            for w in ["W1", "W2"] {
                let traced = st[w]!.doubles()!.map { T($0) }, grad = st["grad_" + w]!.doubles()!.map { T($0) }
                #expect(traced.map { Double($0).bitPattern } == before[w]!.map { Double($0).bitPattern }, "\(w) of the trace is the state 4 updates leave")
                let updated = zip(traced, grad).map { $0 - lr * $1 }
                #expect(updated.map { Double($0).bitPattern } == after[w]!.map { Double($0).bitPattern }, "\(w) − ε ∇\(w) J is the state 5 updates leave")
            }
        }
        if precision == "float64" { try check(Double.self) } else { try check(Float.self) }
        // Resumed after update 3: the same update, the same bits.
        #expect(Binary.run(common + ["--steps", "3", "--save", "\(dir)/after3.st"]).status == 0)
        let resumed = Binary.run(common + ["--epochs", "1", "--resume", "\(dir)/after3.st", "--trace-step", "5", "--trace", "\(dir)/r.st"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let rt = try SafeTensors.load("\(dir)/r.st")
        #expect(rt.tensors.map(\.name) == st.tensors.map(\.name))
        for (name, t) in st.tensors { #expect(rt[name] == t, "\(name) after --resume") }
        // Updates the run does not make are refused before it starts.
        let early = Binary.run(common + ["--resume", "\(dir)/after3.st", "--trace-step", "2", "--trace", "\(dir)/e.st"])
        #expect(early.status == 64 && early.stderr.contains("--trace-step: update 2 was made before the checkpoint"), "\(early.stderr)")
        let late = Binary.run(common + ["--steps", "3", "--trace-step", "9", "--trace", "\(dir)/l.st"])
        #expect(late.status == 64 && late.stderr.contains("update 9 is past the end of this run (update 4 is the last it reaches)"), "\(late.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/e.st") && !FileManager.default.fileExists(atPath: "\(dir)/l.st"))
        let alone = Binary.run(common + ["--trace-step", "2"])
        #expect(alone.status == 64 && alone.stderr.contains("--trace-step: needs --trace FILE"), "\(alone.stderr)")
    }
}
