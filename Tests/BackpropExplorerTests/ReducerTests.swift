import TestSupport
import BackpropCore
import BackpropIO
import Testing
import BackpropTraining
@testable import BackpropExplorer
import BackpropData

/// The parts of the state an action may change, compared as one value.
struct View: Equatable {
    var position: Int, updates: Int, epoch: Int, cursor: Int, batch: [Int]
    var weights: String, losses: Int, config: ExplorerConfig
    var pinned: String?, tab: Int, scrollRow: Int, scrollCol: Int, pictureColumn: Int
    var showHelp: Bool, checked: Bool, lastMark: String?, quit: Bool
    init(_ s: ExplorerState) {
        position = s.position; updates = s.updates; epoch = s.epoch; cursor = s.cursor; batch = s.batch
        weights = SHA256.hex(Array("\(s.W1.storage.map(\.bitPattern))\(s.W2.storage.map(\.bitPattern))".utf8)).prefix(16).description; losses = s.losses.count; config = s.config
        pinned = s.pinned; tab = s.tab; scrollRow = s.scrollRow; scrollCol = s.scrollCol; pictureColumn = s.pictureColumn
        showHelp = s.showHelp; checked = s.check != nil; lastMark = s.lastMark; quit = s.quit
    }
}

/// Applies `action` to `s` and checks that exactly the fields `change` sets moved.
/// Weights may change only when `newWeights` says so.
func expect(_ s: ExplorerState, _ action: Action, newWeights: Bool = false, _ change: (inout View) -> Void,
            sourceLocation: SourceLocation = #_sourceLocation) -> ExplorerState {
    var t = s
    Explorer.reduce(into: &t, action)
    var expected = View(s)
    change(&expected)
    if newWeights {
        #expect(View(t).weights != expected.weights, "\(action) should change the weights", sourceLocation: sourceLocation)
        expected.weights = View(t).weights
    }
    #expect(View(t) == expected, "\(action)", sourceLocation: sourceLocation)
    return t
}

@Suite struct ReducerTests {
    let s0 = spiralState()

    @Test func steppingMovesOnlyTheCursor() {
        let s1 = expect(s0, .stepForward) { $0.position = 1 }
        #expect(s1.engineState.values[s1.engine.graph.id("U1")!] != nil)
        let s2 = expect(s1, .stepBackward) { $0.position = 0 }
        #expect(s2.engineState.bitwiseEqual(s0.engineState))
        _ = expect(s0, .stepBackward) { _ in }   // nothing before the start
        let end = expect(s0, .last) { $0.position = s0.stepCount }
        _ = expect(end, .stepForward) { _ in }   // nothing after the end
        _ = expect(end, .first) { $0.position = 0 }
        _ = expect(end, .forwardPhase) { $0.position = 0 }
        _ = expect(s0, .backwardPhase) { $0.position = s0.engine.forwardNodes.count }
        #expect(Session.Digest(end).sha256 != Session.Digest(s0).sha256)   // the cursor is in the digest
    }

    @Test func gotoNodesAndQuantities() {
        let f = s0.engine.forwardNodes.count
        let u1 = expect(s0, .goto("U1")) { $0.position = 1 }
        #expect(u1.currentNode == s0.engine.graph.id("U1"))
        let g = expect(s0, .goto("G")) { $0.position = f + s0.engine.backwardNodes.firstIndex(of: s0.engine.graph.id("U2")!)! + 1 }
        #expect(Quantity.G.value(in: g.engineState, engine: g.engine) != nil)
        let gp = expect(s0, .goto("grad_U1")) { $0.position = f + s0.engine.backwardNodes.firstIndex(of: s0.engine.graph.id("U1")!)! + 1 }
        #expect(Quantity.XTGPrime.value(in: gp.engineState, engine: gp.engine) != nil)
        let bad = expect(s0, .goto("nope")) { _ in }
        #expect(bad.status.isError && bad.status.text.contains("nope"))
        let leaf = expect(s0, .goto("W1")) { _ in }
        #expect(leaf.status.isError && leaf.status.text.contains("leaf"))
    }

    /// One update is the training loop's (the fused trainer, on the minibatch arranged for speed):
    /// the engine's gradients of the stepped minibatch up to the order of the sums over its rows.
    @Test func trainStepAppliesSGDWithTheEngineGradients() {
        let mid = applying([.stepForward, .stepForward], to: s0)
        var full = s0.engineState
        try! s0.engine.run(&full)
        let g = s0.engine.graph
        let t = expect(mid, .trainStep, newWeights: true) { v in
            v.position = 0; v.updates = 1; v.losses = 1; v.cursor = 8
            v.batch = Array(order(s0)[8..<16])
        }
        func close(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Bool {
            zip(a.storage, b.storage).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }
        }
        #expect(close(t.W1, s0.W1 - 1.0 * full.grads[g.id("W1")!]!))
        #expect(close(t.W2, s0.W2 - 1.0 * full.grads[g.id("W2")!]!))
        #expect(abs(t.losses[0] - full.values[g.loss]!.scalar) <= 1e-12)
        #expect(!t.status.isError)
    }

    @Test func trainNAndEpoch() {
        let t = expect(s0, .train(steps: 5), newWeights: true) { v in
            v.updates = 5; v.losses = 5; v.cursor = 40; v.batch = Array(order(s0)[40..<48])
        }
        // Five single updates are the same as one train 5.
        #expect(Session.Digest(applying(Array(repeating: .trainStep, count: 5), to: s0)) == Session.Digest(t))
        // An epoch is every example once: 600 spirals in minibatches of 8 (the last would be partial).
        let e = applying([.trainEpoch], to: s0)
        #expect(e.epoch == 1 && e.updates == s0.batchesPerEpoch && e.cursor == 0 && e.accuracyAt == e.updates)
        #expect(order(e) != order(s0))   // reshuffled for the new epoch
        let diverged = applying([.set(.lr, 1e6), .train(steps: 50)], to: s0)
        #expect(diverged.status.isError && diverged.status.text.contains("not finite"))
        #expect(diverged.W1.isFinite && diverged.W2.isFinite)   // the bad update was not applied
        #expect(diverged.updates > 0 && diverged.updates < 50 && diverged.losses.count == diverged.updates)
    }

    @Test func settings() {
        let mid = applying([.goto("U2")], to: s0)
        _ = expect(mid, .set(.lr, 0.5)) { $0.config.lr = 0.5 }
        let l = expect(mid, .set(.lambda, 0.1)) { $0.config.lambda = 0.1 }
        #expect(l.engine.constants["λ"] == 0.1)
        _ = expect(s0, .set(.batch, 4)) { v in v.config.batchSize = 4; v.batch = Array(order(s0)[0..<4]) }
        let h = expect(s0, .set(.hidden, 5), newWeights: true) { v in v.config.hidden = 5 }
        #expect(h.W1.shape == Shape(3, 5) && h.W2.shape == Shape(5, 3))
        let seeded = expect(s0, .set(.seed, 99), newWeights: true) { v in v.config.seed = 99; v.batch = spiralState(seed: 99).batch }
        #expect(seeded.W1.bitwiseEqual(spiralState(seed: 99).W1))
        for bad: Action in [.set(.lr, -1), .set(.batch, 0), .set(.batch, 1e9), .set(.hidden, 2.5), .set(.lambda, .infinity)] {
            let t = expect(s0, bad) { _ in }
            #expect(t.status.isError)
        }
    }

    @Test func resetRestoresTheStart() {
        let trained = applying([.train(steps: 3), .goto("U1")], to: s0)
        let r = expect(trained, .reset) { v in
            v = View(s0)
        }
        #expect(Session.Digest(r) == Session.Digest(s0))
    }

    @Test func viewActions() {
        let end = applying([.last], to: s0)
        let tabbed = expect(end, .nextTab) { $0.tab = 1 }
        #expect(tabbed.selectedPanel?.title == "Hᵀ G")
        _ = expect(end, .previousTab) { $0.tab = end.inspection.panels.count - 1 }   // wraps around
        _ = expect(end, .scroll(rows: 3, cols: 1)) { $0.scrollRow = 3; $0.scrollCol = 1 }
        _ = expect(end, .scroll(rows: 100, cols: -4)) { $0.scrollRow = 7; $0.scrollCol = 0 }   // clamped to the 8×3 ∇W2 J
        _ = expect(end, .picture(-1)) { $0.pictureColumn = 7 }
        let pinned = expect(end, .inspect("G_prime")) { $0.pinned = "G_prime" }
        #expect(pinned.selectedPanel?.title == "G'" && pinned.selectedPanel?.mask != nil)
        _ = expect(pinned, .inspect("")) { $0.pinned = nil }
        let notYet = expect(s0, .inspect("G")) { _ in }
        #expect(notYet.status.isError && notYet.status.text.contains("not computed yet"))
        _ = expect(s0, .toggleProgram) { _ in }   // a view of its own: nothing else moves
        #expect(applying([.toggleProgram], to: s0).showProgram)
        let help = expect(s0, .toggleHelp) { $0.showHelp = true }
        _ = expect(help, .dismiss) { $0.showHelp = false }
        _ = expect(pinned, .dismiss) { $0.pinned = nil }
        _ = expect(s0, .mark("look here")) { $0.lastMark = "look here" }
        _ = expect(s0, .quit) { $0.quit = true }
    }

    @Test func checkAgreesAndCanFail() {
        let end = applying([.last], to: s0)
        for tab in 0..<6 {
            let c = expect(applying(Array(repeating: .nextTab, count: tab), to: end), .check) { $0.tab = tab; $0.checked = true }
            #expect(c.check!.passed, "\(c.check!.title)")
            #expect(c.check!.entries.count == 6)
        }
        // A planted error in the analytic value is caught.
        var s = end
        var p = s.selectedPanel!
        // (in its largest entry: the check looks at the largest few)
        let big = p.matrix.storage.indices.max { abs(p.matrix.storage[$0]) < abs(p.matrix.storage[$1]) }!
        p.matrix.storage[big] += 1e-3
        let r = try! CheckReport.run(title: "planted", analytic: p.matrix, of: "J", wrt: "W2", state: s)
        #expect(!r.passed)
        // A value is not a gradient.
        s = applying([.goto("U1")], to: s0)
        let v = expect(s, .check) { _ in }
        #expect(v.status.isError)
    }

    @Test func keysGoThroughTheOneTable() {
        var s = s0
        #expect(Explorer.handle(.right, &s) == [.applied(.stepForward)])
        #expect(Explorer.handle(.char("l"), &s) == [.applied(.stepForward)] && s.position == 2)
        #expect(Explorer.handle(.char("r"), &s) == [.record(path: nil)])
        #expect(Explorer.handle(.char("Z"), &s) == [])
        // The command line: typing is not an action; Enter applies the parsed command.
        for k: Key in [.char(":"), .char("t"), .char("r"), .char("a"), .char("i"), .char("n"), .char(" "), .char("2")] {
            #expect(Explorer.handle(k, &s) == [])
        }
        #expect(s.prompt?.text == "train 2")
        #expect(Explorer.handle(.enter, &s) == [.applied(.train(steps: 2))])
        #expect(s.updates == 2 && s.prompt == nil && s.history == ["train 2"])
        _ = Explorer.handle(.char(":"), &s); _ = Explorer.handle(.up, &s)
        #expect(s.prompt?.text == "train 2")
        _ = Explorer.handle(.escape, &s)
        #expect(s.prompt == nil)
        _ = Explorer.handle(.char(":"), &s)
        for c in "frobnicate" { _ = Explorer.handle(.char(c), &s) }
        #expect(Explorer.handle(.enter, &s) == [])
        #expect(s.status.isError && s.status.text.contains("unknown command"))
    }
}
