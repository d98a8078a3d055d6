extension Graph {
    /// The graph training runs: each `V = sqr(W)` whose only use is `s = sum(V)` (s not the loss)
    /// becomes `s = sumsq(W)`, in V's place. The values and gradients are the same bits (see
    /// `SumSqOp`; W's gradient receives the same terms at the same point of back-propagation), and
    /// a weight decay then costs one pass over W each way instead of five with three m×n tensors.
    /// The stepper keeps the graph as written.
    public func fusingSumsOfSquares() -> Graph {
        var replaced: [Int: Node] = [:], dropped = Set<Int>()
        for (si, s) in nodes.enumerated() where s.op == SumOp.name && si != loss {
            guard let vi = inputIndices[si].first, nodes[vi].op == SqrOp.name, uses[vi] == [si] else { continue }
            replaced[vi] = Node(s.name, SumSqOp.name, nodes[vi].inputs)
            dropped.insert(si)
        }
        return rewritten(replacing: replaced, dropping: dropped)
    }

    /// The graph training runs: `fusingSumsOfSquares`, then `fusingAddRelus` unless a `nonfinite`
    /// probe reads every value (see there); the same bits.
    public func fusedForTraining(probes: [TensorPredicate] = []) -> Graph {
        let sums = fusingSumsOfSquares()
        return probes.contains { $0.kind == .nonfinite } ? sums : sums.fusingAddRelus()
    }

    /// Each `U = add(A, B)` whose only use is `H = relu(U)` (U not the loss) becomes
    /// `H = add_relu(A, B)`, in U's place: the same values and gradients, bit for bit (see
    /// `AddReluOp`; A and B receive their terms at the same point of back-propagation), with one pass
    /// over a hidden layer each way instead of two, and no U. Not for a `nonfinite` probe: relu hides
    /// a U that overflowed to −∞ from finite terms, which only U shows.
    public func fusingAddRelus() -> Graph {
        var replaced: [Int: Node] = [:], dropped = Set<Int>()
        for (hi, h) in nodes.enumerated() where h.op == ReluOp.name {
            guard let ui = inputIndices[hi].first, nodes[ui].op == AddOp.name, uses[ui] == [hi], ui != loss else {
                continue
            }
            replaced[ui] = Node(h.name, AddReluOp.name, nodes[ui].inputs)
            dropped.insert(hi)
        }
        return rewritten(replacing: replaced, dropping: dropped)
    }

    /// The graph with nodes replaced in place and others dropped, parsed back from text: the same
    /// checks and evaluation order as any graph (its annotations are not kept: training's graph).
    func rewritten(replacing replaced: [Int: Node], dropping dropped: Set<Int>) -> Graph {
        guard !dropped.isEmpty else { return self }
        let kept = nodes.indices.filter { !dropped.contains($0) }.map { replaced[$0] ?? nodes[$0] }
        return (try? Graph(parsing: kept.map { $0.text }.joined(separator: "\n") + "\n")) ?? self
    }

    /// Values that are finite whenever the others are: P and sqr(P) when a node sums sqr(P), or
    /// P when a node is sumsq(P) (a sum of squares has no cancellation: an Inf or NaN in P makes it
    /// Inf or NaN); A and B of add(A, B) (an Inf or NaN term leaves the sum Inf or NaN); relu(U),
    /// tanh(U) and sigmoid(U), which are finite when U is (U is read, or is one of the above, which
    /// only ever stand for what they feed, downstream: no circle). A `nonfinite` probe reads every
    /// update and need not read these; W1 is the largest tensor, then the hidden activations.
    public var impliedFinite: Set<Int> {
        var out = Set<Int>()
        for (i, n) in nodes.enumerated() {
            guard let p = inputIndices[i].first else { continue }
            if n.op == SumSqOp.name { out.insert(p) }
            if n.op == SumOp.name, nodes[p].op == SqrOp.name, let q = inputIndices[p].first { out.formUnion([p, q]) }
            if n.op == AddOp.name { out.formUnion(inputIndices[i]) }
            if [ReluOp.name, TanhOp.name, SigmoidOp.name].contains(n.op) { out.insert(i) }
        }
        return out
    }

    /// Gradients that are finite whenever the others are, for these node shapes: the input U of
    /// relu(U) read by nothing else (its gradient is the output's, zeroed in places), and an input A
    /// of add(A, B) of the output's shape read by nothing else (its gradient is the output's).
    public func impliedFiniteGradients(shapes: [Shape?]) -> Set<Int> {
        var out = Set<Int>()
        for (i, n) in nodes.enumerated() {
            let ins = inputIndices[i]
            if n.op == ReluOp.name, let u = ins.first, uses[u] == [i] { out.insert(u) }
            if n.op == AddOp.name, ins.count == 2, ins[0] != ins[1] {
                for a in ins where uses[a] == [i] && shapes[a] != nil && shapes[a] == shapes[i] { out.insert(a) }
            }
        }
        return out
    }
}
