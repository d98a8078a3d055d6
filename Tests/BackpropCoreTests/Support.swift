import Foundation
@testable import BackpropCore
@testable import BackpropKernels

/// A seeded Figure 6.11 problem in Double.
struct Problem {
    var m: Int, d: Int, nh: Int, k: Int, lambda: Double
    var bindings: [String: Matrix<Double>]

    /// Draws X, W1, W2, y; redraws while any pre-activation lies within 1e-3 of 0 (relu's kink).
    init(seed: UInt64, m: Int, d: Int, nh: Int, k: Int, lambda: Double = 0.01) {
        self.m = m; self.d = d; self.nh = nh; self.k = k; self.lambda = lambda
        var rng = SeededGenerator(seed: seed)
        while true {
            let X = Matrix<Double>(rows: m, cols: d) { _, _ in rng.nextNormal() }
            let W1 = Matrix<Double>(rows: d, cols: nh) { _, _ in rng.nextNormal() * 0.7 }
            let W2 = Matrix<Double>(rows: nh, cols: k) { _, _ in rng.nextNormal() * 0.7 }
            let y = Matrix<Double>(rows: m, cols: 1) { _, _ in Double(rng.nextIndex(below: k)) }
            let U1 = X.matmul(W1)
            if U1.storage.allSatisfy({ abs($0) > 1e-3 }) {
                bindings = ["X": X, "W1": W1, "W2": W2, "y": y]
                return
            }
        }
    }

    func engine(_ rules: RuleTable = .standard) -> Engine<Double> {
        try! Engine(graph: Figure611.graph, rules: rules, constants: ["λ": lambda])
    }
}

/// Loss J of Figure 6.11 for the given bindings (forward only).
func loss(_ e: Engine<Double>, _ b: [String: Matrix<Double>]) -> Double {
    var s = try! e.start(b)
    try! e.run(&s, to: e.forwardNodes.count)
    return s.values[e.graph.loss]!.scalar
}

/// The acceptance criterion for a gradient check.
func agrees(_ a: Double, _ n: Double) -> Bool { abs(a - n) <= 1e-8 + 1e-6 * abs(n) }

/// Central finite differences of J with respect to every element of parameter `name`.
func numericGradient(_ e: Engine<Double>, _ b: [String: Matrix<Double>], _ name: String, eps: Double = 1e-6) -> Matrix<Double> {
    let w = b[name]!
    var out = Matrix<Double>(rows: w.rows, cols: w.cols)
    for i in 0..<w.count {
        var plus = b, minus = b
        plus[name]!.storage[i] += eps
        minus[name]!.storage[i] -= eps
        out.storage[i] = (loss(e, plus) - loss(e, minus)) / (2 * eps)
    }
    return out
}

/// Analytic gradients of J for all params by the one-shot backward pass.
func analyticGradients(_ e: Engine<Double>, _ b: [String: Matrix<Double>]) -> [String: Matrix<Double>] {
    var s = try! e.start(b)
    try! e.run(&s, to: e.forwardNodes.count)
    let g = e.backward(values: s.values)
    return ["W1": g[e.graph.id("W1")!]!, "W2": g[e.graph.id("W2")!]!]
}

/// Whether the full-graph check passes for W1 and W2.
func wholeGraphCheckPasses(_ p: Problem, rules: RuleTable = .standard) -> Bool {
    let e = p.engine(rules)
    let reference = p.engine()   // finite differences use the forward pass only, never a rule under test
    let a = analyticGradients(e, p.bindings)
    for name in ["W1", "W2"] {
        let n = numericGradient(reference, p.bindings, name)
        for i in 0..<n.count where !agrees(a[name]!.storage[i], n.storage[i]) { return false }
    }
    return true
}

/// Holds thread `held` of a two-thread `.balancedColumns` product back until the other thread has
/// claimed all it can (a handshake, not a sleep): the other then takes every block of the held
/// thread's share but the one it leaves it, whatever either thread's speed.
func holdBack<T>(_ g: ParallelGEMM<T>, thread held: Int) {
    let released = DispatchSemaphore(value: 0)
    g.beforeShare = { t in if t == held { released.wait() } }
    g.afterShare = { t in if t != held { released.signal() } }
}

/// Entries where ∂J/∂parameter from back-propagation (`state`, run to the end) and central
/// differences of J in float64 disagree beyond 1e-6 + 1e-4·|numeric|, for every parameter entry.
func finiteDifferenceMisfits(_ engine: Engine<Double>, _ bindings: [String: Matrix<Double>],
                             _ state: EngineState<Double>) throws -> [String] {
    let g = engine.graph
    var misfits: [String] = []
    for p in g.names(of: .param) {
        let analytic = state.grads[g.id(p)!]!
        for k in 0..<analytic.count {
            var a = bindings, b = bindings
            a[p]!.storage[k] += 1e-6; b[p]!.storage[k] -= 1e-6
            var sa = try engine.start(a), sb = try engine.start(b)
            try engine.run(&sa, to: engine.forwardNodes.count); try engine.run(&sb, to: engine.forwardNodes.count)
            let numeric = (sa.values[g.loss]!.scalar - sb.values[g.loss]!.scalar) / 2e-6
            if !(abs(analytic.storage[k] - numeric) <= 1e-6 + 1e-4 * abs(numeric)) {
                misfits.append("∂J/∂\(p)[\(k)] analytic \(analytic.storage[k]) numeric \(numeric)")
            }
        }
    }
    return misfits
}

/// Runs `engine` to the end on `bindings`, setting entry `entry` of one tensor to `bad` as soon as it
/// exists (a node's value right after its forward step, or its gradient right before it is used),
/// everything after it computed from it: a fault made at that node.
func planted(_ e: Engine<Double>, _ bindings: [String: Matrix<Double>], node v: Int, gradient: Bool, _ bad: Double,
             entry: Int) throws -> EngineState<Double> {
    var b = bindings
    let name = e.graph.nodes[v].name
    if !gradient, b[name] != nil { b[name]!.storage[entry % b[name]!.count] = bad }
    var s = try e.start(b)
    let f = e.forwardNodes.count
    try e.run(&s, to: gradient ? e.backwardNodes.firstIndex(of: v).map { f + $0 } ?? e.stepCount
                               : (e.forwardNodes.firstIndex(of: v).map { $0 + 1 } ?? 0))
    if gradient {
        if v == e.graph.loss { s.grads[v] = Matrix(scalar: bad) }
        else { s.grads[v]!.storage[entry % s.grads[v]!.count] = bad }
    } else if e.graph.nodes[v].leaf == nil {
        s.values[v]!.storage[entry % s.values[v]!.count] = bad
    }
    try e.run(&s)
    return s
}
