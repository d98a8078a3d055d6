import TestSupport
import Testing
@testable import BackpropCore

struct EngineTests {
    static let p = Problem(seed: 42, m: 5, d: 4, nh: 6, k: 3, lambda: 0.01)

    @Test func identitiesHoldInTheRecordedSteps() throws {
        let e = Self.p.engine()
        var s = try e.start(Self.p.bindings)
        try e.run(&s)
        func q(_ x: Quantity) -> Matrix<Double> { x.value(in: s, engine: e)! }
        // The engine's accumulated gradient is exactly the sum of the two recorded contributions.
        #expect(q(.gradW2).bitwiseEqual(q(.HTG) + q(.decayW2)) || q(.gradW2).bitwiseEqual(q(.decayW2) + q(.HTG)))
        #expect(q(.gradW1).bitwiseEqual(q(.XTGPrime) + q(.decayW1)) || q(.gradW1).bitwiseEqual(q(.decayW1) + q(.XTGPrime)))
        // And the contributions are what their names say.
        let H = s.values[e.graph.id("H")!]!, X = Self.p.bindings["X"]!
        let W1 = Self.p.bindings["W1"]!, W2 = Self.p.bindings["W2"]!
        #expect(q(.HTG).bitwiseEqual(H.matmul(q(.G), transposeSelf: true)))
        #expect(q(.XTGPrime).bitwiseEqual(X.matmul(q(.GPrime), transposeSelf: true)))
        #expect(q(.GW2T).bitwiseEqual(q(.G).matmul(W2, transposeOther: true)))
        for (a, w) in [(q(.decayW1), W1), (q(.decayW2), W2)] {
            for i in 0..<w.count { #expect(a.storage[i] == 2 * Self.p.lambda * w.storage[i]) }
        }
        // G' is G W2ᵀ with the entries where U1 ≤ 0 zeroed.
        let U1 = s.values[e.graph.id("U1")!]!
        for i in 0..<U1.count { #expect(q(.GPrime).storage[i] == (U1.storage[i] > 0 ? q(.GW2T).storage[i] : 0)) }
    }

    @Test func backwardStepsAreInReverseTopologicalOrderAndWalkBothBranches() {
        let e = Self.p.engine()
        let names = e.backwardNodes.map { e.graph.nodes[$0].name }
        #expect(names.first == "J")
        for (i, n) in names.enumerated() {
            for input in e.graph[n]!.inputs { if let j = names.firstIndex(of: input) { #expect(j > i, "\(input) after \(n)") } }
        }
        #expect(Set(names) == ["J", "u8", "u7", "u6", "U5", "u4", "U3", "J_MLE", "U2", "H", "U1"])
    }

    @Test func steppingToTheEndFromAnyPositionEqualsTheFullPass() throws {
        let e = Self.p.engine()
        var stepper = try Stepper(engine: e, bindings: Self.p.bindings)
        var forwardStates: [EngineState<Double>] = [stepper.state]
        while !stepper.atEnd { try stepper.stepForward(); forwardStates.append(stepper.state) }
        let end = stepper.state
        // One-shot backward (separate bookkeeping, no step records) gives the same bits.
        let oneShot = e.backward(values: end.values)
        for i in e.graph.nodes.indices where e.needsGrad[i] {
            #expect(end.grads[i]!.bitwiseEqual(oneShot[i]!), "grad of \(e.graph.nodes[i].name)")
        }
        for p in 0...e.stepCount {
            var s = forwardStates[p]
            try e.run(&s)
            #expect(s.bitwiseEqual(end), "from position \(p)")
        }
        // Stepping back restores every earlier state bit for bit.
        for p in stride(from: e.stepCount, through: 0, by: -1) {
            #expect(stepper.state.bitwiseEqual(forwardStates[p]), "back at \(p)")
            stepper.stepBackward()
        }
        try stepper.seek(to: 7)
        #expect(stepper.state.bitwiseEqual(forwardStates[7]))
    }

    @Test func quantitiesAreNilUntilComputed() throws {
        let e = Self.p.engine()
        var s = try e.start(Self.p.bindings)
        #expect(Quantity.J.value(in: s, engine: e) == nil)
        try e.run(&s, to: e.forwardNodes.count)
        #expect(Quantity.J.value(in: s, engine: e) != nil)
        #expect(Quantity.G.value(in: s, engine: e) == nil)
        #expect(Quantity.gradW1.value(in: s, engine: e) == nil)
        try e.run(&s)
        for q in Quantity.allCases { #expect(q.value(in: s, engine: e) != nil, "\(q)") }
        let g = Figure611.graph
        #expect(g.quantity(named: "G_prime") == .GPrime && g.quantity(named: "Hᵀ G") == .HTG
                && g.quantity(named: "HᵀG") == .HTG)
    }

    @Test func shapeMismatchNamesNodeOpAndShapes() throws {
        let e = Self.p.engine()
        var b = Self.p.bindings
        b["W2"] = Matrix(rows: 5, cols: 3)   // H is 5×6
        var s = try e.start(b)
        #expect(throws: EvalError.shapeMismatch(node: "U2", text: "U2 = matmul(H, W2)", shapes: [Shape(5, 6), Shape(5, 3)],
                                                rule: "matmul: the columns of A must equal the rows of B")) { try e.run(&s) }
        let msg = EvalError.shapeMismatch(node: "U2", text: "U2 = matmul(H, W2)", shapes: [Shape(5, 6), Shape(5, 3)], rule: "r").description
        #expect(msg.contains("U2") && msg.contains("matmul") && msg.contains("5×6") && msg.contains("5×3"))
        b = Self.p.bindings
        b["y"] = Matrix(rows: 5, cols: 1, [0, 1, 2, 3, 0])
        s = try e.start(b)
        #expect(throws: EvalError.self) { try e.run(&s) }
    }

    /// cross_entropy's labels: the first one that is not a class index in 0..<k is named with its
    /// row, in Float and Double; whole numbers in range pass.
    @Test func crossEntropyNamesTheFirstLabelThatIsNotAClass() {
        func problem<T: Real>(_: T.Type, _ labels: [T]) -> String? {
            CrossEntropyOp.validate([Matrix<T>(rows: labels.count, cols: 3), Matrix(rows: labels.count, cols: 1, labels)])
        }
        for t in [Float.self, Double.self] as [any Real.Type] {
            func check<T: Real>(_ t: T.Type) {
                #expect(problem(t, [0, 2, 1, 0]) == nil)
                #expect(problem(t, []) == nil)
                #expect(problem(t, [0, 1, 3, -1]) == "label 3.0 in row 2 is not a class index in 0..<3")
                #expect(problem(t, [0, -1]) == "label -1.0 in row 1 is not a class index in 0..<3")
                #expect(problem(t, [1.5]) == "label 1.5 in row 0 is not a class index in 0..<3")
                #expect(problem(t, [2, 2, .nan])?.hasPrefix("label nan in row 2 ") == true)
                #expect(problem(t, [.infinity])?.hasPrefix("label inf in row 0 ") == true)
            }
            check(t)
        }
    }

    @Test func costMatchesTheBook() throws {
        let (m, d, nh, k) = (128, 784, 256, 10)
        let e = try Engine<Float>(graph: Figure611.graph, constants: ["λ": 1e-4])
        let c = e.cost(leafShapes: ["X": Shape(m, d), "W1": Shape(d, nh), "W2": Shape(nh, k), "y": Shape(m, 1)])!
        let w = d * nh + nh * k
        #expect(c.forwardMatmul == m * w)
        // Backward products: Hᵀ G, G W2ᵀ and Xᵀ G' (no ∇X J: X is data); plus 2λW terms.
        #expect(c.backward == nh * m * k + m * k * nh + d * m * nh + w + 1)   // + 2W⊙g for both sqr, + λ·g for scale
        // Kept for backward: U1 (the relu mask's source), H and U2 — O(m·n_h), not the weights.
        #expect(c.bytesKept == (m * nh * 2 + m * k) * 4)
    }

    @Test func describeStepsUsesTheBooksNames() {
        let e = Self.p.engine()
        let lines = (0..<e.stepCount).map { e.describe(step: $0) }
        #expect(lines.first == "forward: U1 = matmul(X, W1)")
        #expect(lines.contains("backward: ∇H J += G W2ᵀ; ∇W2 J += Hᵀ G"))
        #expect(lines.contains("backward: ∇W1 J += Xᵀ G'"))
        #expect(lines.contains("backward: ∇U1 J += ∇H J ⊙ [U1 > 0]"))
    }
}
