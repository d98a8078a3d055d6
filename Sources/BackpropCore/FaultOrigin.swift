/// Where a NaN or ±Inf was made, not merely passed on: the first tensor in evaluation order
/// (the leaves, forward, then back-propagation's steps) that is not finite although everything it
/// was computed from is (`Engine.faultOrigin`).
public struct FaultOrigin: Equatable, Sendable {
    public enum Place: Equatable, Sendable {
        /// A leaf given not finite (X, y, a parameter).
        case leaf(node: Int)
        /// A node's forward value.
        case value(node: Int)
        /// What node's backward step sent to input (e.g. Hᵀ G, from U2 to W2).
        case contribution(node: Int, input: Int)
        /// A node's gradient: the sum of finite terms that is not (fan-in overflow), or one set so.
        case gradient(node: Int)
    }
    public var place: Place
    /// The node a viewer should show: the node made, or the node whose backward step made it.
    public var node: Int
    /// The engine step (0-based position) that made it; 0 for a leaf.
    public var step: Int
    /// One line: the tensor and the equation that made it.
    public var text: String
    /// Nodes (other than the origin's own) whose value or gradient is not finite only because of it.
    public var passedOn: Int

    /// What a breakpoint or divergence line says: `made by U5 (forward: U5 = sqr(W2)); 4 nodes passed it on`.
    public var summary: String {
        "made by \(text); " + (passedOn == 1 ? "1 node" : "\(passedOn) nodes") + " passed it on"
    }
}

extension Engine {
    /// The origin of the non-finite values in a state that has run to the end (nil if all is finite).
    public func faultOrigin(_ s: EngineState<T>) -> FaultOrigin? {
        func finite(_ m: Matrix<T>?) -> Bool { m?.isFinite ?? true }
        var origin: FaultOrigin? = nil
        func found(_ place: FaultOrigin.Place, node: Int, step: Int, text: String) {
            if origin == nil { origin = FaultOrigin(place: place, node: node, step: step, text: text, passedOn: 0) }
        }
        for v in graph.order where graph.nodes[v].leaf != nil && !finite(s.values[v]) {
            found(.leaf(node: v), node: v, step: 0, text: "\(graph.nodes[v].name) (given: \(graph.nodes[v].text))")
        }
        for (p, v) in forwardNodes.enumerated() where !finite(s.values[v]) {
            if inputIDs(v).allSatisfy({ finite(s.values[$0]) }) {
                let n = graph.nodes[v]
                found(.value(node: v), node: v, step: p, text: "\(n.name) (forward: \(n.text))")
            }
        }
        // The step at which each node's gradient is complete: its last term's, or its own backward step.
        var last: [Int: Int] = [:]
        for (k, step) in s.steps.enumerated() { for c in step.contributions { last[c.input] = k } }
        var terms: [Int: [Matrix<T>]] = [:]
        let f = forwardNodes.count
        func checkSum(_ id: Int, _ g: Matrix<T>?, at k: Int) {
            guard !finite(g), (terms[id] ?? []).allSatisfy({ $0.isFinite }) else { return }
            let n = terms[id]?.count ?? 0
            found(.gradient(node: id), node: id, step: f + k,
                  text: "\(gradientName(graph.nodes[id].name)) (" + (n > 1 ? "the sum of its \(n) finite terms)"
                                                                     : n == 1 ? "its one term is finite)" : "set so)"))
        }
        for (k, step) in s.steps.enumerated() {
            let v = step.node
            checkSum(v, step.incoming, at: k)   // the loss's is the seed, 1, unless set otherwise
            let sources = finite(step.incoming) && finite(s.values[v])
                && inputIDs(v).allSatisfy { finite(s.values[$0]) }
            for c in step.contributions {
                terms[c.input, default: []].append(c.value)
                if !c.value.isFinite && sources {
                    found(.contribution(node: v, input: c.input), node: v, step: f + k,
                          text: "\(c.formula) (backward of \(graph.nodes[v].text))")
                }
            }
            // A leaf's gradient is complete with its last term (no backward step of its own).
            for c in step.contributions where graph.nodes[c.input].leaf != nil && last[c.input] == k {
                checkSum(c.input, s.grads[c.input], at: k)
            }
        }
        guard var o = origin else { return nil }
        // Nodes with a value or gradient not finite, the origin's own node left out.
        let own: Int?
        switch o.place {
        case .leaf(let v), .value(let v), .gradient(let v): own = v
        case .contribution: own = nil
        }
        let bad = graph.nodes.indices.filter { v in v != own && (!finite(s.values[v]) || !finite(s.grads[v])) }.count
        o.passedOn = bad
        return o
    }
}
