/// Weight decay left to the update: what lets `EngineExecutor` add `(2W)·∇s J` in its SGD pass
/// instead of as a matrix of its own (two passes over W fewer, and one write).
extension Engine {
    /// The `sumsq(W)` node whose term of ∇W J, `(2W)·∇s J`, an update pass can add to the rest of
    /// ∇W J with the same bits as back-propagation, and whether the engine adds it first: when W's
    /// gradient has exactly two terms (a sum of two is the same either way round), or when that
    /// term is the last the engine adds. Nil for any other parameter.
    public func deferrableDecay(of param: Int) -> (node: Int, first: Bool)? {
        // The backward steps that pass W a term, in the engine's order (twice for an op that reads W twice).
        var terms: [Int] = []
        for v in backwardNodes { for i in inputIDs(v) where i == param { terms.append(v) } }
        let decays = terms.filter { graph.nodes[$0].op == SumSqOp.name }
        guard terms.count >= 2, decays.count == 1, let d = decays.first, terms.count == 2 || d == terms.last else {
            return nil
        }
        return (d, d == terms.first)
    }

    /// ∇W J with a deferred decay term added, as back-propagation adds it: `rest` is what the other
    /// term left (see `deferrableDecay(of:)`), `incoming` ∇s J.
    public func completing(_ rest: Matrix<T>, decay node: Int, first: Bool, incoming: Matrix<T>,
                           values: [Matrix<T>?], kernels: Kernels<T>) -> Matrix<T> {
        guard let (_, term) = contributions(node, incoming, values, kernels: kernels).first else { return rest }
        var grads: [Matrix<T>?] = first ? [term] : [rest]
        Self.accumulate(&grads, 0, first ? rest : term)
        return grads[0]!
    }
}
