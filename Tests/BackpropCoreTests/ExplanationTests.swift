import Testing
@testable import BackpropCore

/// `:explain`'s expansions: every op's forward and backward entries, written out term by term,
/// add up to what the rule computes; at the engine, gradients with fan-in list every contribution.
struct ExplanationTests {
    static let names = ProgramNames(output: "Y", inputs: ["A", "B"], constants: ["c"])

    func inputs(_ c: RuleCheckTests.Case, seed: UInt64) -> [Matrix<Double>] {
        var rng = SeededGenerator(seed: seed)
        return c.shapes.enumerated().map { i, s in
            if i == c.labelsInput { return Matrix(rows: s.rows, cols: 1) { _, _ in Double(rng.nextIndex(below: c.shapes[0].cols)) } }
            return Matrix(rows: s.rows, cols: s.cols) { _, _ in rng.nextNormal() }
        }
    }

    func agree(_ e: Expansion, _ stored: Double) -> Bool {
        EntryExplanation(target: "t", parts: [.init(source: "s", expansion: e)], stored: stored).agrees
    }

    /// Each entry of the output and of every input's gradient, expanded, gives the rule's value.
    @Test(arguments: 0..<RuleCheckTests.cases.count)
    func everyEntryAddsUpToTheRule(_ index: Int) {
        let c = RuleCheckTests.cases[index]
        for seed in UInt64(1)...5 {
            let xs = inputs(c, seed: seed &* 31 &+ UInt64(index))
            let y = c.rule.forward(xs, c.constants)
            var rng = SeededGenerator(seed: seed)
            let g = Matrix<Double>(rows: y.rows, cols: y.cols) { _, _ in rng.nextNormal() }
            for i in 0..<y.rows { for j in 0..<y.cols {
                let e = c.rule.explain(xs, c.constants, Self.names, at: i, j)
                #expect(agree(e, y[i, j]), "\(c.rule.name) forward [\(i),\(j)]: \(e.value) vs \(y[i, j])")
                #expect(!e.terms.isEmpty && !e.symbolic.isEmpty)
            } }
            let needs = xs.indices.map { $0 != c.labelsInput }
            let grads = c.rule.backward(g, xs, y, c.constants, needs: needs)
            for k in xs.indices where needs[k] {
                let gk = grads[k]!
                for i in 0..<gk.rows { for j in 0..<gk.cols {
                    let e = c.rule.explainBackward(input: k, g, xs, y, c.constants, Self.names, at: i, j)
                    #expect(agree(e, gk[i, j]), "\(c.rule.name) input \(k) [\(i),\(j)]: \(e.value) vs \(gk[i, j])")
                } }
            }
        }
    }

    /// Every op of the standard table has a case above (a new op cannot go unexplained untested).
    @Test func everyOpIsCovered() {
        let covered = Set(RuleCheckTests.cases.map { $0.rule.name })
        #expect(covered == Set(RuleTable.standard.rules.keys))
    }

    /// The check can fail: a term off by more than rounding is caught; a long sum is shortened.
    @Test func aWrongTermIsCaughtAndLongSumsAreShortened() {
        let xs = [Matrix<Double>(rows: 1, cols: 20) { _, j in Double(j) + 0.5 }, Matrix<Double>(rows: 20, cols: 1) { i, _ in 1 / Double(i + 1) }]
        let y = MatMulOp.forward(xs, [])
        var e = MatMulOp.explain(xs, [], Self.names, at: 0, 0)
        #expect(agree(e, y[0, 0]))
        #expect(e.symbolic == "Σ_c A[0,c]·B[c,0]")
        #expect(e.numbers() == "0.5·1 + 1.5·0.5 + 2.5·0.3333 + … (15 more) + 18.5·0.05263 + 19.5·0.05")
        e.terms[7].value *= 1 + 1e-9
        #expect(!agree(e, y[0, 0]))
        #expect(!agree(Expansion("x", [.init("1", 1)]), .nan))
        #expect(agree(Expansion("x", [.init("NaN", .nan)]), .nan))
    }

    /// At the end of Figure 6.11's backward pass every value and gradient entry explains and adds
    /// up; ∇W2 J has the data term and the weight-decay term, in the engine's order.
    @Test func figure611EveryEntry() throws {
        var rng = SeededGenerator(seed: 5)
        func m(_ r: Int, _ c: Int) -> Matrix<Double> { Matrix(rows: r, cols: c) { _, _ in rng.nextNormal() } }
        let engine = try Engine<Double>(graph: Figure611.graph, constants: ["λ": 0.01])
        var s = try engine.start(["X": m(6, 4), "y": Matrix(rows: 6, cols: 1) { i, _ in Double(i % 3) }, "W1": m(4, 5), "W2": m(5, 3)])
        try engine.run(&s)
        let g = engine.graph
        for v in g.nodes.indices {
            let value = s.values[v]!
            for i in 0..<value.rows { for j in 0..<value.cols {
                let x = try #require(engine.explanation(ofValue: v, at: i, j, in: s))
                #expect(x.agrees, "\(x.line)")
            } }
            guard let grad = s.grads[v] else { continue }
            for i in 0..<grad.rows { for j in 0..<grad.cols {
                let x = try #require(engine.explanation(ofGradient: v, at: i, j, in: s))
                #expect(x.agrees, "\(x.line): stored \(x.stored)")
            } }
        }
        let w2 = g.id("W2")!
        let x = try #require(engine.explanation(ofGradient: w2, at: 1, 2, in: s))
        #expect(x.parts.map(\.source) == s.steps.filter { $0.contributions.contains { $0.input == w2 } }.map { g.nodes[$0.node].text })
        #expect(Set(x.parts.map(\.source)) == ["U2 = matmul(H, W2)", "U5 = sqr(W2)"])
        #expect(x.line.hasPrefix("grad_W2[1,2] = "))
        #expect(x.line.contains("Σ_r H[r,1]·grad_U2[r,2]") && x.line.contains("2·W2[1,2]·grad_U5[1,2]"))
        // One step's contribution alone: Hᵀ G.
        let htg = try #require(engine.explanation(ofGradient: w2, at: 1, 2, in: s, only: g.id("U2")))
        #expect(htg.parts.count == 1 && htg.agrees)
        // Before the gradient has arrived there is nothing to explain.
        let early = try engine.start(["X": m(6, 4), "y": Matrix(rows: 6, cols: 1), "W1": m(4, 5), "W2": m(5, 3)])
        #expect(engine.explanation(ofGradient: w2, at: 0, 0, in: early) == nil)
        #expect(engine.explanation(ofValue: g.id("U1")!, at: 0, 0, in: early) == nil)
    }
}
