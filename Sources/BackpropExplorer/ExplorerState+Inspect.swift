import BackpropCore

extension ExplorerState {
    /// `8×3`
    static func dims(_ m: Matrix<Double>) -> String { "\(m.rows)×\(m.cols)" }

    /// The node that step `position − 1` worked on (the step just taken), if any.
    public var currentNode: Int? { position > 0 ? engine.node(atStep: position - 1) : nil }
    public var inBackward: Bool { position > engine.forwardNodes.count }

    /// The finite-difference check for ∂J/∂node, or the book's scalar for Figure 6.11's quantities.
    func checkSpec(contributionOf step: String, to input: String) -> (of: String, wrt: String)? {
        for q in Quantity.allCases where engine.graph == Figure611.graph {
            if case let .contribution(s, t) = q.source, s == step, t == input { return q.checkSpec }
        }
        return engine.graph.nodes.filter { $0.inputs.contains(input) }.count == 1 ? ("J", input) : nil
    }

    /// The panel for a node's value.
    func valuePanel(_ id: Int) -> Panel? {
        let n = engine.graph.nodes[id]
        return engineState.values[id].map { Panel(n.name, $0) }
    }

    /// The panel for the gradient a node has received so far.
    func gradientPanel(_ id: Int) -> Panel? {
        let n = engine.graph.nodes[id]
        let mask = n.name == "U1" && engine.graph == Figure611.graph ? engineState.values[id] : nil
        return engineState.grads[id].map {
            Panel(engine.gradientName(n.name), $0, mask: mask, check: engine.needsGrad[id] ? ("J", n.name) : nil)
        }
    }

    /// The rule of the step just taken, with shapes, and its matrices.
    public var inspection: Inspection {
        let g = engine.graph, s = engineState
        let f = engine.forwardNodes.count
        if let name = pinned {
            switch resolve(name) {
            case .success(let p): return Inspection(lines: ["inspect \(p.title)   \(Self.dims(p.matrix))"], panels: [p])
            case .failure(let e): return Inspection(lines: ["inspect \(name): \(e.message)"], panels: [])
            }
        }
        if position == 0 {
            let leaves = g.nodes.indices.filter { g.nodes[$0].leaf != nil }
            let params = g.names(of: .param).joined(separator: ", ")
            return Inspection(lines: ["before the forward pass: the leaves X, y (the minibatch) and \(params) (the "
                                      + "weights)",
                                      "next: " + engine.describe(step: 0)],
                              panels: leaves.compactMap(valuePanel))
        }
        if position <= f {
            let v = engine.forwardNodes[position - 1], n = g.nodes[v]
            let ins = n.inputs.compactMap { g.id($0) }
            let shapes = ins.compactMap { s.values[$0] }.map { "(\(Self.dims($0)))" }.joined()
            let out = s.values[v].map(Self.dims) ?? "?"
            var lines = ["forward \(position)/\(f): \(n.text)   \(shapes) → \(out)"]
            if v == g.loss, let j = s.values[v]?.scalar { lines.append("J = \(Self.full(j))") }
            else if n.name == "J_MLE", let j = s.values[v]?.scalar { lines.append("J_MLE = \(Self.full(j))") }
            return Inspection(lines: lines, panels: [valuePanel(v)].compactMap { $0 } + ins.compactMap(valuePanel))
        }
        let step = s.steps[position - f - 1]
        let n = g.nodes[step.node]
        let names = engine.formulaNames(step.node)
        var lines = ["backward \(position - f)/\(engine.backwardNodes.count) at \(n.text)"]
        var panels = [Panel(names.outputGrad, step.incoming, check: ("J", n.name))]
        for c in step.contributions {
            let input = g.nodes[c.input].name
            lines.append("\(c.formula)   \(shapeText(of: c, step: step))")
            let rhs = c.formula.components(separatedBy: "+= ").last ?? c.formula
            let mask = n.op == ReluOp.name ? g.inputIndices[step.node].first.flatMap { s.values[$0] } : nil
            // The book's names (Hᵀ G, G W2ᵀ, 2λW1) where the formula gives one, else the gradient it adds to.
            let plain = rhs == names.outputGrad || step.contributions.filter({ $0.formula.hasSuffix(rhs) }).count > 1
            let title = mask != nil || plain ? "→" + engine.gradientName(input) : rhs
            panels.append(Panel(title, c.value, mask: mask, check: checkSpec(contributionOf: n.name, to: input)))
        }
        if position == stepCount, g == Figure611.graph {
            // The payoff: each weight gradient as its data term plus its weight-decay term.
            lines = [lines[0], "done: ∇W2 J = Hᵀ G + 2λW2 and ∇W1 J = Xᵀ G' + 2λW1 (n applies them: W ← W − ε∇W J)"]
            panels = [Quantity.gradW2, .HTG, .decayW2, .gradW1, .XTGPrime, .decayW1].compactMap { q in
                q.value(in: s, engine: engine).map { Panel(q.rawValue, $0, check: q.checkSpec) }
            } + [panels[0]]
        }
        return Inspection(lines: lines, panels: panels)
    }

    /// `(n_h×m)(m×k) → n_h×k` for a product's contribution, `→ shape` otherwise.
    func shapeText(of c: Contribution<Double>, step: BackwardStep<Double>) -> String {
        let g = engine.graph, n = g.nodes[step.node]
        let out = Self.dims(c.value)
        guard n.op == MatMulOp.name, let a = g.id(n.inputs[0]).flatMap({ engineState.values[$0] }),
              let b = g.id(n.inputs[1]).flatMap({ engineState.values[$0] }) else { return "→ \(out)" }
        let G = step.incoming
        if c.input == g.id(n.inputs[0]) { return "(\(G.rows)×\(G.cols))(\(b.cols)×\(b.rows)) → \(out)" }
        return "(\(a.cols)×\(a.rows))(\(G.rows)×\(G.cols)) → \(out)"
    }

    /// A name typed at `inspect`: a quantity (G, G', Hᵀ G or HT_G, …), ∇NODE or grad_NODE, or a node.
    public func resolve(_ name: String) -> Result<Panel, ExplorerError> {
        let g = engine.graph
        if engine.graph == Figure611.graph, let q = Quantity(name: name) {
            if let m = q.value(in: engineState, engine: engine) {
                let mask = q == .GPrime ? g.id("U1").flatMap { engineState.values[$0] } : nil
                return .success(Panel(q.rawValue, m, mask: mask, check: q.checkSpec))
            }
            return .failure(.notYet(name: q.rawValue))
        }
        let (base, isGradient) = Self.parseGradientName(name)
        guard let id = g.id(base) else { return .failure(.unknownName(name, known: Self.inspectableNames(g))) }
        if isGradient {
            guard engine.needsGrad[id] else { return .failure(.noGradient(name: base)) }
            return gradientPanel(id).map { .success($0) } ?? .failure(.notYet(name: engine.gradientName(base)))
        }
        return valuePanel(id).map { .success($0) } ?? .failure(.notYet(name: base))
    }

    /// `grad_U1`, `∇U1` and `∇U1 J` name U1's gradient; anything else names a node's value.
    static func parseGradientName(_ name: String) -> (node: String, isGradient: Bool) {
        var base = name
        for p in ["grad_", "∇"] where base.hasPrefix(p) { base = String(base.dropFirst(p.count)) }
        if base.hasSuffix(" J") { base = String(base.dropLast(2)) }
        base = base.trimmingCharacters(in: .whitespaces)
        return (base, base != name)
    }

    /// Names `inspect` accepts (for completion and error messages).
    static func inspectableNames(_ g: Graph) -> [String] {
        g.nodes.map(\.name) + g.nodes.map { "grad_" + $0.name }
            + (g == Figure611.graph ? Quantity.allCases.map(\.asciiName) : [])
    }

    /// A Double with every digit needed to reproduce it.
    static func full(_ x: Double) -> String { "\(x)" }
}

extension Quantity {
    /// ∂(scalar node)/∂(node) that this quantity equals, for the finite-difference check.
    public var checkSpec: (of: String, wrt: String) {
        switch self {
        case .G: ("J", "U2"); case .GPrime: ("J", "U1"); case .HTG: ("J_MLE", "W2"); case .GW2T: ("J", "H")
        case .XTGPrime: ("J_MLE", "W1"); case .decayW1: ("u8", "W1"); case .decayW2: ("u8", "W2")
        case .gradW1: ("J", "W1"); case .gradW2: ("J", "W2"); case .JMLE: ("J_MLE", "J_MLE"); case .J: ("J", "J")
        }
    }
}

extension ExplorerState {
    /// The panel the inspector is showing: the pinned one, or the current step's panel at `tab`.
    public var selectedPanel: Panel? {
        if let name = pinned, case .success(let p) = resolve(name) { return p }
        let panels = inspection.panels
        return tab < panels.count ? panels[tab] : nil
    }

    /// Whether the pictures tab (image data only) is selected.
    public var picturesSelected: Bool { pinned == nil && train.imageSide != nil && tab == inspection.panels.count }
}
