extension Graph {
    /// What keeps the graph from being trained, or nil: the loss (the last node) must be computed by
    /// an op, and every parameter must be on a path to it (else it would get no gradient).
    public var trainingProblem: String? { trainingFault?.message }

    /// `trainingProblem` with the node at fault (the loss, or the parameter that does not reach it;
    /// nil when no one node is), for an error that points at its line.
    public var trainingFault: (node: String?, message: String)? {
        let lossNode = nodes[loss]
        if let leaf = lossNode.leaf {
            return (lossNode.name, "the loss \(inert(lossNode.name, limit: 40)) (the last line) is a leaf, "
                + "\(leaf.rawValue)(); expected an op computed from the parameters")
        }
        // Which nodes the loss is computed from: a walk back along the inputs, with a work list.
        var reaches = [Bool](repeating: false, count: nodes.count)
        reaches[loss] = true
        var work = [loss]
        while let v = work.popLast() {
            for name in nodes[v].inputs {
                guard let u = id(name), !reaches[u] else { continue }
                reaches[u] = true
                work.append(u)
            }
        }
        let params = names(of: .param)
        guard !params.isEmpty else { return (nil, "no parameters; expected at least one name = param()") }
        if let lost = params.first(where: { id($0).map { !reaches[$0] } ?? true }) {
            return (lost, "parameter \(inert(lost, limit: 40)) does not reach the loss "
                + "\(inert(lossNode.name, limit: 40)); expected every parameter on a path to it")
        }
        return nil
    }
}
