import BackpropCore

extension Explorer {
    /// Session markers an action earns: each back-propagation node reached (named after the graph's
    /// quantities it produces, e.g. `G, Hᵀ G, G W2ᵀ at U2`), each training update, and user marks.
    public static func markers(before: ExplorerState, after: ExplorerState, action: Action) -> [String] {
        if case .mark(let text) = action { return [text] }
        if after.updates > before.updates {
            return ["update \(after.updates): J = \(after.losses.last.map(formatNumber) ?? "–")"]
        }
        guard after.updates == before.updates, after.position > before.position, after.inBackward,
              let node = after.currentNode else { return [] }
        let name = after.engine.graph.nodes[node].name
        // The graph's named quantities (Figure 6.11's G, Hᵀ G, …) that this step computed.
        let new = after.graph.quantities.filter { q in
            if case .value = q.source { return false }
            return q.value(in: after.engineState, engine: after.engine) != nil
                && q.value(in: before.engineState, engine: before.engine) == nil
        }.map { $0.rawValue }
        return [new.isEmpty ? "backprop at \(name)" : new.joined(separator: ", ") + " at \(name)"]
    }
}
