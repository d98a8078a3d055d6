/// `:explain NAME[i,j]`: one entry of a value or a gradient expanded by the rules that made it.
extension Engine where T == Double {
    /// Entry (i, j) of node v's value: its rule's expansion (a leaf is given, not computed); nil
    /// until the forward pass has computed it. The caller checks that (i, j) is inside the matrix.
    public func explanation(ofValue v: Int, at i: Int, _ j: Int, in s: EngineState<Double>) -> EntryExplanation? {
        guard let y = s.values[v] else { return nil }
        let n = graph.nodes[v], target = "\(n.name)[\(i),\(j)]"
        if n.leaf != nil {
            let given = Expansion("given", [.init(Expansion.number(y[i, j]), y[i, j])])
            return EntryExplanation(target: target, parts: [.init(source: n.text, expansion: given)], stored: y[i, j])
        }
        let e = rule(v).explain(inputIDs(v).map { s.values[$0]! }, constantValues(v), programNames(v), at: i, j)
        return EntryExplanation(target: target, parts: [.init(source: n.text, expansion: e)], stored: y[i, j])
    }

    /// Entry (i, j) of ∂J/∂(node v) as received so far: the seed at the loss, else one part per
    /// backward step that sent v a contribution, in the order the engine added them (`only`: the
    /// contribution of that one step). Nil while nothing has arrived.
    public func explanation(ofGradient v: Int, at i: Int, _ j: Int, in s: EngineState<Double>,
                            only step: Int? = nil) -> EntryExplanation? {
        let name = graph.nodes[v].name
        var parts: [EntryExplanation.Part] = []
        if v == graph.loss, s.grads[v] != nil {
            parts.append(.init(source: "the seed", expansion: Expansion("∂\(name)/∂\(name)", [.init("1", 1)])))
        }
        for record in s.steps where step == nil || record.node == step {
            for c in record.contributions where c.input == v {
                let u = record.node, slot = inputIDs(u).firstIndex(of: v)!
                let e = rule(u).explainBackward(input: slot, record.incoming, inputIDs(u).map { s.values[$0]! },
                                                s.values[u]!, constantValues(u), programNames(u), at: i, j)
                parts.append(.init(source: graph.nodes[u].text, expansion: e))
            }
        }
        guard !parts.isEmpty else { return nil }
        let stored: Double
        if let step, let c = s.steps.first(where: { $0.node == step })?.contributions.first(where: { $0.input == v }) {
            stored = c.value[i, j]
        } else {
            guard let g = s.grads[v] else { return nil }
            stored = g[i, j]
        }
        let target = step.map { "grad_\(name)[\(i),\(j)] from \(graph.nodes[$0].name)" } ?? "grad_\(name)[\(i),\(j)]"
        return EntryExplanation(target: target, parts: parts, stored: stored)
    }

}
