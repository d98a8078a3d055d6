import BackpropData
import BackpropExplorer
import BackpropIO
import Foundation
import Testing

/// `--break-on` and `--break-bundle` through the binary: one line, exit 4, and a bundle that
/// reproduces the failing update bit for bit.
@Suite struct BreakpointCLITests {
    static let dir = tempDir()
    let diverging = ["--batch", "--lr", "1e4", "--steps", "200"]

    func lines(_ s: String) -> [String] { s.split(separator: "\n").map(String.init) }

    @Test func aDivergenceBreaksNamesItsOriginAndItsBundleReproducesIt() throws {
        let bundle = Self.dir + "/b.st"
        let hit = Binary.run(diverging + ["--break-on", "nonfinite", "--break-bundle", bundle, "--threads", "2"])
        #expect(hit.status == 4, "\(hit.stderr)")
        let line = try #require(lines(hit.stderr).first)
        #expect(lines(hit.stderr).count == 1)
        let update = try #require(line.firstMatch(of: /at update (\d+) \(epoch/).flatMap { Int($0.1) })
        #expect(line.hasPrefix("backprop-tui: breakpoint: nonfinite at update \(update) (epoch "), "\(line)")
        #expect(line.hasSuffix("): not finite, made by u6 (forward: u6 = sum(U5)); 3 nodes passed it on"), "\(line)")
        // The same at one thread; without --break-on the run diverges (exit 3) at that update, naming the origin.
        let one = Binary.run(diverging + ["--break-on", "nonfinite", "--threads", "1"])
        #expect(one.status == 4 && one.stderr == hit.stderr)
        let plain = Binary.run(diverging)
        #expect(plain.status == 3 && plain.stderr.contains("step \(update): J is not finite (NaN or Inf), made by u6 "
                                                             + "(forward: u6 = sum(U5)); 3 nodes passed it on"), "\(plain.stderr)")
        // The bundle: a checkpoint before the update, with what held and on which examples.
        let file = try SafeTensors.load(bundle)
        #expect(file.meta("step") == "\(update - 1)" && file.meta("break_update") == "\(update)")
        #expect(file.meta("break_predicate") == "nonfinite" && file.meta("break_origin_node") == "u6")
        #expect(file.meta("break_minibatch")?.split(separator: ",").count == 128)
        // Resumed, it breaks again at once, in the same words.
        let again = Binary.run(diverging + ["--resume", bundle, "--break-on", "nonfinite"])
        #expect(again.status == 4 && again.stderr == hit.stderr, "\(again.stderr)")
        // Bit for bit: the failing update's every value and gradient, traced in the original run
        // and from the bundle.
        let t0 = Self.dir + "/t0.st", t1 = Self.dir + "/t1.st"
        let original = Binary.run(diverging + ["--trace", t0, "--trace-step", "\(update)"])
        #expect(original.status == 3)
        let resumed = Binary.run(diverging + ["--resume", bundle, "--trace", t1, "--steps", "0"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try SafeTensors.load(t0), b = try SafeTensors.load(t1)
        #expect(a.tensors.count > 20 && a.tensors.map(\.name) == b.tensors.map(\.name))
        for (x, y) in zip(a.tensors, b.tensors) { #expect(x.tensor == y.tensor, "\(x.name)") }
        #expect(a.tensors.contains { $0.name == "u6" })
    }

    @Test func aStatisticBreaksAtTheFirstUpdateItHolds() throws {
        let r = Binary.run(["--batch", "--steps", "300", "--break-on", "J < 0.9", "--break-on", "dead(H) > 0.99"])
        #expect(r.status == 4, "\(r.stderr)")
        let m = try #require(r.stderr.firstMatch(of: /breakpoint: J < 0.9 at update (\d+) \(epoch \d+\): (0\.[0-9]+)/))
        let update = try #require(Int(m.1)), value = try #require(Double(m.2))
        #expect(value < 0.9)
        // The log of the same run without the breakpoint: J of every update before it was ≥ 0.9.
        let log = Self.dir + "/j.jsonl"
        let full = Binary.run(["--batch", "--steps", "\(update)", "--log", log, "--log-every", "1"])
        #expect(full.status == 0)
        let js = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap { l -> Double? in
            guard l.contains("\"train_acc\":null") else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any])?["J"] as? Double
        }
        #expect(js.count >= update && js.prefix(update - 1).allSatisfy { $0 >= 0.9 }, "\(js.prefix(update))")
    }

    /// The TUI's `:break nonfinite` then `:train` stops at the update `--batch --break-on nonfinite`
    /// stops at, with the same settings, naming the same origin.
    @Test(arguments: [("1e6", "float64"), ("3e4", "float32")])
    func theTUIAndBatchBreakAtTheSameUpdate(_ c: (lr: String, precision: String)) throws {
        let src = try DataSource.load("spiral")
        let config = ExplorerConfig(data: "spiral", dataDigest: src.train.digest, hidden: 8, batchSize: 8,
                                    lr: Double(c.lr)!, lambda: 1e-3, seed: 1234,
                                    precision: c.precision == "float32" ? .float32 : .float64)
        var s = try ExplorerState(config: config, train: src.train, test: src.test)
        Explorer.reduce(into: &s, .breakOn("nonfinite"))
        Explorer.reduce(into: &s, .train(steps: 5000))
        let tui = try #require(s.status.text.firstMatch(of: /breakpoint: nonfinite at update \d+ \(epoch \d+\): [^(]*\([^)]*\)/))
        let r = Binary.run(["--batch", "--hidden", "8", "--batch-size", "8", "--lr", c.lr, "--lambda", "1e-3",
                            "--seed", "1234", "--precision", c.precision, "--break-on", "nonfinite", "--steps", "5000"])
        #expect(r.status == 4 && r.stderr.contains(String(tui.0)), "TUI: \(s.status.text)\n--batch: \(r.stderr)")
    }

    /// A float32 run is stepped in float32: at the update where the TUI's training breaks, every
    /// value and gradient it steps through equals `--batch`'s trace of that update (a float32 run),
    /// bit for bit, and the breakpoint holds at a step of it.
    @Test func aFloat32BreakIsSteppedBitForBit() throws {
        let src = try DataSource.load("spiral")
        let config = ExplorerConfig(data: "spiral", dataDigest: src.train.digest, hidden: 8, batchSize: 8, lr: 3e4,
                                    lambda: 1e-3, seed: 1234, precision: .float32)
        var s = try ExplorerState(config: config, train: src.train, test: src.test)
        Explorer.reduce(into: &s, .breakOn("nonfinite"))
        Explorer.reduce(into: &s, .train(steps: 5000))
        let update = try #require(s.status.text.firstMatch(of: /at update (\d+) \(epoch/).flatMap { Int($0.1) })
        #expect(s.status.text.contains("; at "), "held at a step: \(s.status.text)")
        let trace = Self.dir + "/f32.st"
        let r = Binary.run(["--batch", "--hidden", "8", "--batch-size", "8", "--lr", "3e4", "--lambda", "1e-3",
                            "--seed", "1234", "--precision", "float32", "--steps", "5000", "--trace", trace,
                            "--trace-step", "\(update)"])
        #expect(r.status == 3, "\(r.stderr)")
        var stepper = s.stepper
        try stepper.seek(to: stepper.engine.stepCount)
        let g = stepper.engine.graph, state = stepper.state
        var compared = 0
        for t in try SafeTensors.load(trace).tensors {
            let grad = t.name.hasPrefix("grad_"), name = grad ? String(t.name.dropFirst(5)) : t.name
            guard let id = g.id(name), let m = grad ? state.grads[id] : state.values[id],
                  let traced = t.tensor.doubles() else { continue }
            // (y, the labels, are traced as integers.)
            #expect((t.tensor.dtype == "F32" || name == "y") && m.storage.map(\.bitPattern) == traced.map(\.bitPattern),
                    "\(t.name) \(t.tensor.dtype)")
            compared += 1
        }
        #expect(compared > 20, "\(compared) tensors compared")
    }

    /// Stepped as trained (what `--open` does), an update the TUI's training breaks on is every
    /// value and gradient of `--batch`'s trace of that update, bit for bit, sums over the rows included:
    /// the rows are computed in the trainer's arrangement and shown in the minibatch's order.
    @Test(arguments: [Precision.float32, .float64])
    func aBreakIsSteppedAsTrainedBitForBit(_ precision: Precision) throws {
        let src = try DataSource.load("spiral")
        let config = ExplorerConfig(data: "spiral", dataDigest: src.train.digest, hidden: 16, batchSize: 64, lr: 0.5,
                                    lambda: 1e-3, seed: 1234, precision: precision)
        var s = try ExplorerState(config: config, train: src.train, test: src.test)
        s.stepsAsTrained = true
        Explorer.reduce(into: &s, .breakOn("J < 0.8"))
        Explorer.reduce(into: &s, .train(steps: 5000))
        let update = try #require(s.status.text.firstMatch(of: /at update (\d+) \(epoch/).flatMap { Int($0.1) })
        let trace = Self.dir + "/asTrained-\(precision).st"
        let r = Binary.run(["--batch", "--hidden", "16", "--batch-size", "64", "--lr", "0.5", "--lambda", "1e-3",
                            "--seed", "1234", "--precision", precision.rawValue, "--steps", "\(update)", "--trace", trace,
                            "--trace-step", "\(update)"])
        #expect(r.status == 0, "\(r.stderr)")
        var stepper = s.stepper
        try stepper.seek(to: stepper.engine.stepCount)
        let g = stepper.engine.graph, state = stepper.state
        var compared: [String] = []
        for t in try SafeTensors.load(trace).tensors {
            let grad = t.name.hasPrefix("grad_"), name = grad ? String(t.name.dropFirst(5)) : t.name
            guard let id = g.id(name), let m = grad ? state.grads[id] : state.values[id],
                  let traced = t.tensor.doubles() else { continue }
            #expect(m.storage.map(\.bitPattern) == traced.map(\.bitPattern), "\(t.name) at update \(update)")
            compared.append(t.name)
        }
        #expect(compared.count > 20 && compared.contains("grad_W1") && compared.contains("J"), "\(compared)")
    }
}
