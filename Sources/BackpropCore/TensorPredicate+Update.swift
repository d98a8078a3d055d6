extension TensorPredicate {
    /// Every probe's reading of one update (values and gradients by node of `graph`), as cheaply as
    /// the graph allows: statistics first, since a finite norm or mean (a sum over the tensor) shows
    /// its tensor finite; then `nonfinite` without what those, the graph (`Graph.impliedFinite`,
    /// `impliedFiniteGradients`) or `known` and `knownGrads` (values and gradients finite by where
    /// they come from) vouch for. `gradNormSquares`: Σ∇² of gradients the caller summed in
    /// `TensorHealth.sumOfSquares`'s order (the same bits), by node. The same readings as each
    /// probe's `reading` alone.
    public static func readings<T: Real>(_ probes: [TensorPredicate], values: [Matrix<T>?], grads: [Matrix<T>?],
                                         graph: Graph, known: Set<Int> = [], knownGrads: Set<Int> = [],
                                         gradNormSquares: [Int: Double] = [:]) -> [Reading] {
        var finite = graph.impliedFinite.union(known)
        var finiteGrads = graph.impliedFiniteGradients(shapes: values.map { $0?.shape }).union(knownGrads)
        var out = [Reading?](repeating: nil, count: probes.count)
        for (i, p) in probes.enumerated() {
            guard case let .compare(stat, target, cmp, threshold) = p.kind else { continue }
            let r: Reading
            if stat == .norm, target.gradient, let squares = gradNormSquares[target.node] {
                let v = squares.squareRoot()
                r = Reading(holds: cmp.holds(v, threshold), value: v)
            } else {
                r = p.reading(values: values, grads: grads)
            }
            out[i] = r
            if stat == .norm || stat == .mean, r.value?.isFinite == true {
                if target.gradient { finiteGrads.insert(target.node) } else { finite.insert(target.node) }
            }
        }
        return probes.indices.map { i in
            out[i] ?? probes[i].reading(values: values, grads: grads, finite: finite, finiteGrads: finiteGrads)
        }
    }
}
