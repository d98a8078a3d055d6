import BackpropCore

/// A finite-difference check of one gradient on the current minibatch: analytic against numeric.
public struct CheckReport: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var row: Int, col: Int
        public var analytic: Double, numeric: Double
        public var error: Double { abs(analytic - numeric) }
    }
    /// e.g. `Hᵀ G = ∂J_MLE/∂W2`
    public var title: String
    public var entries: [Entry]
    public var step: Double
    /// Passes when every |analytic − numeric| ≤ 1e-6 + 1e-4·|numeric| (central differences in Double).
    public var passed: Bool { entries.allSatisfy { $0.error <= 1e-6 + 1e-4 * abs($0.numeric) } }
    public var maxError: Double { entries.map(\.error).max() ?? 0 }

    /// Checks `analytic` = ∂`of`/∂`wrt` at its largest entries (up to `count`), by central differences.
    static func run(title: String, analytic: Matrix<Double>, of: String, wrt: String, state: ExplorerState,
                    count: Int = 6, h: Double = 1e-6) throws(EvalError) -> CheckReport {
        let engine = state.engine, g = engine.graph
        let bindings = state.bindings
        guard let target = g.id(wrt), let scalar = g.id(of) else {
            throw .missingBinding(name: g.id(wrt) == nil ? wrt : of, kind: "node")
        }
        // The forward values once; each probe recomputes only what depends on `wrt`.
        var base = try engine.start(bindings)
        try engine.run(&base, to: engine.forwardNodes.count)
        var depends = [Bool](repeating: false, count: g.nodes.count)
        depends[target] = true
        for v in g.order where g.inputIndices[v].contains(where: { depends[$0] }) { depends[v] = true }
        /// The scalar node's value with entry (i, j) of `wrt` moved by `delta`, downstream recomputed.
        func value(_ i: Int, _ j: Int, _ delta: Double) throws(EvalError) -> Double {
            var s = base
            s.values[target]![i, j] += delta
            for (p, v) in engine.forwardNodes.enumerated() where depends[v] && v != target {
                s.position = p
                try engine.advance(&s)
            }
            return s.values[scalar]!.scalar
        }
        let picks = analytic.storage.indices.sorted { a, b in
            let x = abs(analytic.storage[a]), z = abs(analytic.storage[b])
            return x != z ? x > z : a < b
        }.prefix(count)
        var entries: [Entry] = []
        for k in picks {
            let (i, j) = (k / analytic.cols, k % analytic.cols)
            let numeric = (try value(i, j, h) - value(i, j, -h)) / (2 * h)
            entries.append(Entry(row: i, col: j, analytic: analytic[i, j], numeric: numeric))
        }
        return CheckReport(title: title, entries: entries, step: h)
    }
}
