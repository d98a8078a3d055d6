import Foundation
import Testing
@testable import BackpropCore

/// The debugger's core: tensor health, predicates, and where a NaN or Inf was made.
@Suite struct DebuggerTests {
    let p = Problem(seed: 11, m: 5, d: 3, nh: 4, k: 3)

    /// Figure 6.11 with entry 2 of one tensor set to `bad` as soon as it exists (`planted`).
    func planted(_ e: Engine<Double>, node v: Int, gradient: Bool, _ bad: Double) -> EngineState<Double> {
        try! BackpropCoreTests.planted(e, p.bindings, node: v, gradient: gradient, bad, entry: 2)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func aFaultPlantedAtAnyNodeIsTracedToIt(_ bad: Double) throws {
        let e = p.engine()
        var s = try e.start(p.bindings)
        try e.run(&s)
        #expect(e.faultOrigin(s) == nil, "all finite: no origin")
        var checked = 0
        for v in e.graph.order where e.graph.nodes[v].name != "y" {
            let o = try #require(e.faultOrigin(planted(e, node: v, gradient: false, bad)), "value of \(v)")
            let leaf = e.graph.nodes[v].leaf != nil
            #expect(o.place == (leaf ? .leaf(node: v) : .value(node: v)), "\(e.graph.nodes[v].name): \(o.text)")
            #expect(o.node == v)
            checked += 1
        }
        for v in e.graph.order where e.needsGrad[v] {
            let o = try #require(e.faultOrigin(planted(e, node: v, gradient: true, bad)), "gradient of \(v)")
            #expect(o.place == .gradient(node: v), "∇\(e.graph.nodes[v].name): \(o.text)")
            checked += 1
        }
        #expect(checked == 14 + 13, "every node but y forward (14), every node needing a gradient backward (13)")
    }

    /// Not planted: W2 so large that its square overflows. U5 = sqr(W2) made the Inf; J and the
    /// gradients downstream only passed it on.
    @Test func anOverflowIsFoundWhereItHappens() throws {
        let e = p.engine()
        var b = p.bindings
        b["W2"]!.storage[0] = 1e200
        var s = try e.start(b)
        try e.run(&s)
        let o = try #require(e.faultOrigin(s))
        let u5 = try #require(e.graph.id("U5"))
        #expect(o.place == .value(node: u5) && o.text == "U5 (forward: U5 = sqr(W2))", "\(o.text)")
        #expect(o.step == e.forwardNodes.firstIndex(of: u5))
        #expect(o.passedOn >= 4, "u6, u7, u8, J at least: \(o.passedOn)")
    }

    @Test func healthCountsAndStatistics() {
        let m = Matrix<Double>(rows: 2, cols: 3, [-1, 0, 2, .nan, 0, .infinity])
        let h = TensorHealth(m)
        #expect((h.negative, h.zero, h.positive, h.nan, h.posInf, h.negInf) == (1, 2, 1, 1, 1, 0))
        #expect(h.min == -1 && h.max == 2 && h.absmax == 2 && h.norm.isNaN && !h.isFinite)
        let r = TensorHealth(Matrix<Double>(rows: 3, cols: 3, [0, 1, 0, 0, 2, 0, 0, 0, 3]), relu: true)
        #expect(r.deadUnits == 1 && r.units == 3 && r.dead == 1.0 / 3, "column 0 is zero in every row; column 2 is not")
        #expect(r.norm == (1.0 + 4 + 9).squareRoot() && r.mean == 6.0 / 9)
        #expect(r.pill == "‖3.742‖ dead 1" && h.pill == "✗ 1 NaN 1 Inf")
    }

    @Test func predicatesReadWhatTheEngineComputed() throws {
        let e = p.engine()
        var b = p.bindings
        for r in 0..<p.d { b["W1"]![r, 1] = 0 }   // hidden unit 1 is zero for every row: dead
        var s = try e.start(b)
        try e.run(&s)
        let g = e.graph
        let gW1 = s.grads[g.id("W1")!]!
        let norm = gW1.storage.reduce(0) { $0 + $1 * $1 }.squareRoot()
        func read(_ t: String) throws -> TensorPredicate.Reading {
            try TensorPredicate(t, graph: g).reading(values: s.values, grads: s.grads)
        }
        let n = try #require(try read("norm(grad_W1) > 0").value)
        #expect(abs(n - norm) <= 1e-14 * norm, "√Σx² in 8 running sums, against one")
        #expect(try read("norm(grad_W1) > \(n)").holds == false && read("norm(grad_W1) >= \(n)").holds)
        #expect(try read("J < 100").value == s.values[g.loss]!.scalar && read("J<100").holds)
        #expect(try read("dead(H) >= 0.25").value == 0.25 && read("dead(H) > 0.25").holds == false)
        #expect(try read("absmax(U1) <= 1e9").holds && read("min(X) < 0").holds)
        let u1 = s.values[g.id("U1")!]!.storage
        #expect(try read("absmax(U1) > 0").value == u1.map { abs($0) }.max())
        #expect(try read("max(U1) > 0").value == u1.max() && read("min(U1) > 0").value == u1.min())
        let mean = try #require(try read("mean(U1) > 0").value)
        #expect(abs(mean - u1.reduce(0, +) / Double(u1.count)) <= 1e-14 * u1.map { abs($0) }.reduce(0, +))
        #expect(try read("norm(G) > 0").value == TensorHealth(s.grads[g.id("U2")!]!).norm, "an annotation's name")
        #expect(try read("nonfinite").holds == false)
        s.grads[g.id("U3")!]!.storage[0] = .nan
        #expect(try read("nonfinite").holds)
    }

    /// `nonfinite` leaves out of its pass the values a sum of squares vouches for (W1, U3, W2, U5
    /// here; W1 and W2 once the sums are fused), the terms of a sum (u4, u6, J_MLE, u8) and a relu's
    /// output (H, finite when U1 is), and still holds for a NaN or ±Inf planted in a weight: the sum
    /// it flows into shows it.
    @Test func nonfiniteSkipsOnlyWhatASumOfSquaresShows() throws {
        let g = p.engine().graph
        #expect(Set(g.impliedFinite.map { g.nodes[$0].name })
                == ["W1", "U3", "W2", "U5", "u4", "u6", "J_MLE", "u8", "H"])
        let fused = g.fusingSumsOfSquares()
        #expect(Set(fused.impliedFinite.map { fused.nodes[$0].name }) == ["W1", "W2", "u4", "u6", "J_MLE", "u8", "H"])
        for graph in [g, fused] {
            let e = try Engine<Double>(graph: graph, constants: ["λ": 1e-3])
            for (name, bad) in [("W1", Double.nan), ("W2", .infinity), ("W1", -.infinity)] {
                var b = p.bindings
                b[name]![1, 1] = bad
                var s = try e.start(b)
                try e.run(&s)
                let r = try TensorPredicate("nonfinite", graph: graph)
                    .reading(values: s.values, grads: s.grads, finite: graph.impliedFinite)
                #expect(r.holds, "\(bad) in \(name)")
            }
        }
    }

    @Test(arguments: [
        ("", "empty"), ("J", "no comparison"), ("J > ", "no number after >"), ("J > x", "'x' is not a number"),
        ("size(W1) > 1", "unknown statistic 'size'"), ("norm(W1 > 1", "unclosed '('"),
        ("norm(Q) > 1", "no node 'Q'"), ("grad_Q < 2", "no node 'grad_Q'"), ("dead(U1) > 0.5", "not one"),
        ("dead(grad_H) > 0.5", "not one"), ("U1 > 3", "U1 is 5×4, not 1×1"), ("norm() > 1", "no name"),
        ("nonfinite(J)", "no comparison"),
    ])
    func badPredicatesAreRefusedInOneLine(_ c: (String, String)) throws {
        let e = p.engine()
        var s = try e.start(p.bindings)
        try e.run(&s)
        let shapes = s.values.map { $0!.shape }
        #expect {
            _ = try TensorPredicate(c.0, graph: e.graph, shapes: shapes)
        } throws: { error in
            let m = "\(error)"
            return m.contains(c.1) && !m.contains("\n") && m.hasPrefix("'\(c.0.trimmingCharacters(in: .whitespaces))'")
        }
    }
}
