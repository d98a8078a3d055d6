/// The graph as a program: the forward equations with their shapes, then the backward program in
/// the order the engine runs it, one line per gradient contribution (the engine adds them up).
/// What `--print-graph` prints.
extension Engine {
    /// One line per node, e.g. `U1: f64[8, 8] = matmul(X, W1)`; nil when the leaves' shapes do not fit.
    public func forwardProgram(leafShapes: [String: Shape]) -> [String]? {
        guard let shapes = shapes(leafShapes) else { return nil }
        return graph.order.map { v in
            let n = graph.nodes[v]
            let args = (n.inputs + n.constants).joined(separator: ", ")
            let rhs = n.leaf.map { "\($0.rawValue)()" } ?? "\(n.op)(\(args))"
            return "\(n.name): \(Self.type(shapes[v])) = \(rhs)"
        }
    }

    /// `grad_J: f64[1, 1] = 1`, then per backward step and input that needs a gradient
    /// `grad_W2: f64[8, 3] += matmul(transpose(H), grad_U2)   # Hᵀ G` (the book's names as comments).
    public func backwardProgram(leafShapes: [String: Shape]) -> [String]? {
        backwardProgramLines(leafShapes: leafShapes)?.map(\.text)
    }

    /// One line of the backward program, with the node whose backward step it belongs to and the
    /// position after that step (the seed line belongs to the loss, at the start of back-propagation).
    public struct ProgramLine: Equatable, Sendable {
        public var node: Int
        public var position: Int
        public var text: String
    }

    /// The backward program's lines with the steps they belong to (what the TUI's pane highlights).
    public func backwardProgramLines(leafShapes: [String: Shape]) -> [ProgramLine]? {
        guard let shapes = shapes(leafShapes) else { return nil }
        let f = forwardNodes.count
        var lines = [ProgramLine(node: graph.loss, position: f,
                                 text: "grad_\(graph.nodes[graph.loss].name): \(Self.type(shapes[graph.loss])) = 1")]
        for (i, v) in backwardNodes.enumerated() {
            let ids = inputIDs(v)
            let exprs = rule(v).program(programNames(v))
            let book = rule(v).formula(formulaNames(v))
            for (slot, id) in ids.enumerated() where needsGrad[id] {
                guard let e = exprs[slot] else { continue }
                let line = book[slot]
                let comment = line.firstRange(of: " += ").map { String(line[$0.upperBound...]) } ?? line
                let text = "grad_\(graph.nodes[id].name): \(Self.type(shapes[id])) += \(e)   # \(comment)"
                lines.append(ProgramLine(node: v, position: f + i + 1, text: text))
            }
        }
        return lines
    }

    /// The plain names node v's rule is written with (its program and its `:explain` expansions).
    func programNames(_ v: Int) -> ProgramNames {
        let n = graph.nodes[v]
        return ProgramNames(output: n.name, inputs: n.inputs, constants: n.constants)
    }

    /// The first node whose input shapes do not fit its rule, or a loss that is not 1×1, for these
    /// leaves' shapes: what would stop the first step, found before it (nil when none).
    public func shapeProblem(leafShapes: [String: Shape]) -> (node: Int, error: EvalError)? {
        var shapes = [Shape?](repeating: nil, count: graph.nodes.count)
        for v in graph.order {
            let n = graph.nodes[v]
            if n.leaf != nil { shapes[v] = leafShapes[n.name]; continue }
            let ins = inputIDs(v).compactMap { shapes[$0] }
            guard ins.count == inputIDs(v).count else { return nil }   // a leaf without a shape: not ours to judge
            guard let out = rule(v).shape(ins, constants: constantValues(v).map { Double($0) }) else {
                let r = rule(v)
                return (v, .shapeMismatch(node: n.name, text: n.text, shapes: ins, rule: "\(r.name): \(r.shapeRule)"))
            }
            if v == graph.loss && !out.isScalar { return (v, .lossNotScalar(node: n.name, shape: out)) }
            shapes[v] = out
        }
        return nil
    }

    /// Every node's shape from the leaves'.
    public func shapes(_ leafShapes: [String: Shape]) -> [Shape]? {
        var shapes = [Shape?](repeating: nil, count: graph.nodes.count)
        for v in graph.order {
            let n = graph.nodes[v]
            if n.leaf != nil { shapes[v] = leafShapes[n.name]; if shapes[v] == nil { return nil }; continue }
            let ins = inputIDs(v).compactMap { shapes[$0] }
            guard ins.count == inputIDs(v).count,
                  let out = rule(v).shape(ins, constants: constantValues(v).map { Double($0) }) else { return nil }
            shapes[v] = out
        }
        return shapes.map { $0! }
    }

    static func type(_ s: Shape) -> String { "\(T.precisionName == "float32" ? "f32" : "f64")[\(s.rows), \(s.cols)]" }
}
