import BackpropCore
import Foundation
import Testing
@testable import BackpropExplorer

/// `:edit` and `:undo`: what-if changes to the minibatch being stepped.
@Suite struct WhatIfTests {
    func J(_ s: ExplorerState, _ b: [String: Matrix<Double>], lambda: Double) -> Double {
        try! s.fullState(b, lambda: lambda).values[s.graph.loss]!.scalar
    }

    @Test func deltaJIsAFullRecomputationExactly() throws {
        var s = spiralState()
        Explorer.reduce(into: &s, .last)
        let before = s.bindings, w = before["W1"]![0, 1]
        Explorer.reduce(into: &s, .edit("W1[0,1] = \(w + 0.25)"))
        let wi = try #require(s.whatIf)
        var edited = before
        edited["W1"]![0, 1] = w + 0.25
        let j0 = J(s, before, lambda: s.config.lambda), j1 = J(s, edited, lambda: s.config.lambda)
        #expect(wi.deltaJ == j1 - j0, "ΔJ from two full runs")
        #expect(s.position == s.stepCount && s.engineState.values[s.graph.loss]!.scalar == j1, "recomputed at this step")
        #expect(s.status.text.hasPrefix("what-if W1[0,1] = \(w + 0.25): ΔJ = \(formatNumber(j1 - j0)) (first-order prediction"))
        // Nodes downstream of W1 changed; W2's branch did not.
        let g = s.graph
        for n in ["U1", "H", "U2", "J_MLE", "U3", "u4", "u7", "u8", "J"] { #expect(wi.deltas[g.id(n)!] != nil, "\(n)") }
        for n in ["X", "W2", "U5", "u6"] { #expect(wi.deltas[g.id(n)!] == nil, "\(n)") }
    }

    /// The prediction ⟨∇J, Δ⟩ is off by O(Δ²): halving the edit quarters the error.
    @Test func theFirstOrderPredictionIsOffBySecondOrder() throws {
        var errors: [Double] = []
        for d in [1e-2, 5e-3, 2.5e-3] {
            var s = spiralState()
            let w = s.bindings["W2"]![3, 1]
            Explorer.reduce(into: &s, .edit("W2[3,1] = \(w + d)"))
            let wi = try #require(s.whatIf)
            let p = try #require(wi.predicted)
            errors.append(abs(wi.deltaJ - p))
            #expect(abs(wi.deltaJ - p) < 0.05 * abs(wi.deltaJ), "first order is close: \(wi.deltaJ) vs \(p)")
        }
        for k in 1..<errors.count { #expect((3.0...5.0).contains(errors[k - 1] / errors[k]), "\(errors)") }
        // λ scales u7: ΔJ = u7·Δλ, which the prediction is.
        var s = spiralState()
        Explorer.reduce(into: &s, .edit("λ = 0.01"))
        let wi = try #require(s.whatIf), p = try #require(wi.predicted)
        #expect(abs(wi.deltaJ - p) <= 1e-12 * abs(p), "\(wi.deltaJ) \(p)")
    }

    @Test func rowsColumnsReluFlipsAndUndo() throws {
        var s = spiralState()
        Explorer.reduce(into: &s, .goto("J"))
        let start = s.engineState, p = s.position
        let u1 = start.values[s.graph.id("U1")!]!
        Explorer.reduce(into: &s, .edit("W1[*,2] = -1"))
        Explorer.reduce(into: &s, .edit("X[0,*] = 0"))
        let wi = try #require(s.whatIf)
        var b = s.bindings
        for r in 0..<b["W1"]!.rows { b["W1"]![r, 2] = -1 }
        for c in 0..<b["X"]!.cols { b["X"]![0, c] = 0 }
        let after = try s.fullState(b, lambda: s.config.lambda)
        let flips = zip(u1.storage, after.values[s.graph.id("U1")!]!.storage).filter { ($0.0 > 0) != ($0.1 > 0) }.count
        #expect(wi.flipped[s.graph.id("H")!] ?? 0 == flips && flips > 0)
        #expect(wi.predicted == nil && s.status.text.contains("no first-order prediction"), "X gets no gradient")
        let screen = Screen.render(s, width: 120, height: 40).text
        #expect(screen.contains("Δ ") && screen.contains("⇄\(flips)"), "\(screen)")
        Explorer.reduce(into: &s, .undo)
        #expect(s.whatIf?.entries.count == 1 && s.status.text.hasPrefix("undone: X[0,*] = 0; ΔJ = "))
        Explorer.reduce(into: &s, .undo)
        #expect(s.whatIf == nil && s.position == p && s.engineState.bitwiseEqual(start), "the values before the edits")
        Explorer.reduce(into: &s, .undo)
        #expect(s.status.isError && s.status.text.hasPrefix("nothing to undo"))
        // Training ends a what-if: the loop's weights were never edited.
        Explorer.reduce(into: &s, .edit("W2[0,0] = 3"))
        Explorer.reduce(into: &s, .trainStep)
        #expect(s.whatIf == nil && s.params.first { $0.name == "W2" }!.value[0, 0] != 3)
    }

    @Test(arguments: [("Q[0,0] = 1", "not a leaf"), ("W1[9,0] = 1", "outside W1, which is 3×8"), ("W1[0,0] = x", "usage"),
                      ("W1 = 1", "usage"), ("λ = -1", "expected λ ≥ 0"), ("y[0,0] = 7", "edit: ")])
    func badEditsAreOneLine(_ c: (String, String)) {
        var s = spiralState()
        Explorer.reduce(into: &s, .edit(c.0))
        #expect(s.status.isError && s.status.text.contains(c.1) && s.whatIf == nil, "\(s.status.text)")
    }
}

/// Fan-in made visible: each term a node received, with its norm, in the order the engine added them.
@Suite struct FanInTests {
    @Test func termsInTheOrderAddedWithTheirSum() throws {
        var s = spiralState()
        Explorer.reduce(into: &s, .last)
        let g = s.graph, w1 = try #require(g.id("W1"))
        let terms = s.engineState.steps.flatMap { st in st.contributions.filter { $0.input == w1 }.map { (st.node, $0.value) } }
        #expect(terms.map { g.nodes[$0.0].name } == ["U3", "U1"], "2λW1 arrives first")
        func n(_ m: Matrix<Double>) -> String { formatNumber(TensorHealth.sumOfSquares(m).squareRoot()) }
        #expect(s.fanIn(w1) == "fan-in at W1: ∇W1 J ‖\(n(s.engineState.grads[w1]!))‖ = 2λW1 ‖\(n(terms[0].1))‖ + "
                + "Xᵀ G' ‖\(n(terms[1].1))‖")
        #expect(s.fanIn(try #require(g.id("U1"))) == nil, "one term")
        #expect(s.inspection.lines.contains { $0.hasPrefix("fan-in, in the order added: ∇W1 J ‖") })
    }
}
