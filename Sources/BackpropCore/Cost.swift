/// The cost figures the book states: multiply-adds per pass, and memory kept for the backward pass.
public struct Cost: Sendable, Equatable {
    /// Multiply-adds of the whole forward pass.
    public var forward: Int
    /// Of which in matrix products (the book's m·w for Figure 6.11).
    public var forwardMatmul: Int
    /// Multiply-adds of the backward pass (only the gradients that are needed).
    public var backward: Int
    /// Bytes of intermediate values the backward rules read (leaves excluded: they exist anyway).
    public var bytesKept: Int
}

extension Engine {
    /// Cost of one pass, from the shapes of the leaves (computed by shape inference alone).
    public func cost(leafShapes: [String: Shape]) -> Cost? {
        var shapes = [Shape?](repeating: nil, count: graph.nodes.count)
        for (i, n) in graph.nodes.enumerated() where n.leaf != nil { shapes[i] = leafShapes[n.name] }
        var c = Cost(forward: 0, forwardMatmul: 0, backward: 0, bytesKept: 0)
        var kept = Set<Int>()
        for v in forwardNodes {
            let ins = inputIDs(v).map { shapes[$0] }
            let constants = constantValues(v).map { Double($0) }
            guard ins.allSatisfy({ $0 != nil }), let out = rule(v).shape(ins.map { $0! }, constants: constants) else {
                return nil
            }
            shapes[v] = out
            let needs = inputIDs(v).map { needsGrad[$0] }
            let (f, b) = rule(v).multiplyAdds(ins.map { $0! }, needs: needs)
            c.forward += f
            if rule(v) == MatMulOp.self { c.forwardMatmul += f }
            if needsGrad[v] {
                c.backward += b
                for s in rule(v).saves {
                    let id: Int
                    switch s { case .output: id = v; case .input(let i): id = inputIDs(v)[i] }
                    if graph.nodes[id].leaf == nil { kept.insert(id) }
                }
            }
        }
        c.bytesKept = kept.reduce(0) { $0 + shapes[$1]!.count * MemoryLayout<T>.size }
        return c
    }

    /// Multiply-adds of the steps done so far in `state` (for the TUI's running total).
    public func multiplyAddsDone(_ state: EngineState<T>) -> Int {
        var total = 0
        for p in 0..<state.position {
            guard let v = node(atStep: p) else { break }
            let ins = inputIDs(v).compactMap { state.values[$0]?.shape }
            guard ins.count == inputIDs(v).count else { continue }
            let (f, b) = rule(v).multiplyAdds(ins, needs: inputIDs(v).map { needsGrad[$0] })
            total += p < forwardNodes.count ? f : b
        }
        return total
    }
}
