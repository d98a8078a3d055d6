import BackpropCore

extension ExplorerState {
    /// `8×3`
    static func dims(_ m: Matrix<Double>) -> String { "\(m.rows)×\(m.cols)" }

    /// The node that step `position − 1` worked on (the step just taken), if any.
    public var currentNode: Int? { position > 0 ? engine.node(atStep: position - 1) : nil }
    public var inBackward: Bool { position > engine.forwardNodes.count }

    /// The finite-difference check a contribution can have: ∂S/∂input for a scalar S that the
    /// input reaches only through `step`, and that reaches J through sums only (so ∂J/∂S = 1);
    /// ∂J/∂input when `step` is the input's only use. Figure 6.11's Hᵀ G is ∂J_MLE/∂W2 and its
    /// 2λW1 is ∂u8/∂W1.
    func checkSpec(contributionOf step: String, to input: String) -> (of: String, wrt: String)? {
        let g = engine.graph
        guard let sid = g.id(step), let iid = g.id(input) else { return nil }
        let uses = g.uses
        if uses[iid].count == 1 { return ("J", input) }
        // What the input reaches without passing `step`.
        var around = Set<Int>(), todo = uses[iid].filter { $0 != sid }
        while let v = todo.popLast() { if around.insert(v).inserted { todo += uses[v] } }
        // Down the chain of single uses from `step`: the first scalar from which J is a sum.
        var v = sid
        while true {
            let scalar = engineState.values[v].map { $0.shape.isScalar } ?? false
            var w = v, sums = true
            while w != g.loss {
                guard uses[w].count == 1, g.nodes[uses[w][0]].op == AddOp.name else { sums = false; break }
                w = uses[w][0]
            }
            if scalar && sums && !around.contains(v) { return (g.nodes[v].name, input) }
            guard uses[v].count == 1 else { return nil }
            v = uses[v][0]
        }
    }

    /// The check of a quantity: ∂J/∂node for a gradient, the contribution's as above.
    func checkSpec(_ q: Quantity) -> (of: String, wrt: String)? {
        switch q.source {
        case .value(let n): return (n, n)
        case .grad(let n): return ("J", n)
        case let .contribution(step, to): return checkSpec(contributionOf: step, to: to)
        }
    }

    /// The relu that node `id` feeds, if any: its gradient is shown with the relu's mask (G' in the book).
    func feedsRelu(_ id: Int) -> Bool {
        let g = engine.graph
        return g.nodes.indices.contains { g.nodes[$0].op == ReluOp.name && g.inputIndices[$0].first == id }
    }

    /// The panel for a node's value.
    func valuePanel(_ id: Int) -> Panel? {
        let n = engine.graph.nodes[id]
        return engineState.values[id].map { var p = Panel(n.name, $0); p.relu = n.op == ReluOp.name; return p }
    }

    /// The panel for the gradient a node has received so far.
    func gradientPanel(_ id: Int) -> Panel? {
        let n = engine.graph.nodes[id]
        let mask = feedsRelu(id) ? engineState.values[id] : nil
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
        if let fan = fanIn(step.node) { lines.append(fan) }
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
        if position == stepCount, let done = doneInspection(first: lines[0], last: panels[0]) { return done }
        return Inspection(lines: lines, panels: panels)
    }

    /// The payoff at the end of back-propagation, for a graph whose parameters each receive more
    /// than one term: each parameter's gradient and its terms, in the order gradients were
    /// completed, the last-arrived term first (Figure 6.11: ∇W2 J = Hᵀ G + 2λW2, then ∇W1 J = Xᵀ G' + 2λW1).
    func doneInspection(first: String, last: Panel) -> Inspection? {
        let g = engine.graph, s = engineState
        var parts: [(done: Int, line: String, panels: [Panel])] = []
        for p in g.nodes.indices where g.nodes[p].leaf == .param {
            let name = g.nodes[p].name
            let terms = s.steps.enumerated().compactMap { i, step in
                step.contributions.first { $0.input == p }.map { (i, step, $0) }
            }
            guard terms.count > 1, let total = s.grads[p] else { continue }
            var titles: [String] = [], panels = [Panel(engine.gradientName(name), total, check: ("J", name))]
            for (_, step, c) in terms.reversed() {
                let stepName = g.nodes[step.node].name
                let title = g.quantities.first { $0.source == .contribution(step: stepName, to: name) }?.rawValue
                    ?? c.formula.components(separatedBy: "+= ").last ?? c.formula
                titles.append(title)
                panels.append(Panel(title, c.value, check: checkSpec(contributionOf: stepName, to: name)))
            }
            parts.append((terms.last!.0, "\(engine.gradientName(name)) = \(titles.joined(separator: " + "))", panels))
        }
        guard !parts.isEmpty else { return nil }
        parts.sort { $0.done < $1.done }
        let line = "done: " + parts.map(\.line).joined(separator: " and ") + " (n applies them: W ← W − ε∇W J)"
        // Fan-in, each parameter's terms with their norms in the order added, on one line.
        let fans = g.nodes.indices.filter { g.nodes[$0].leaf == .param }.compactMap(fanIn)
        let fan = fans.isEmpty ? [] : ["fan-in, in the order added: " + fans.map {
            String($0.drop { $0 != ":" }.dropFirst(2))
        }.joined(separator: " · ")]
        return Inspection(lines: [first, line] + fan, panels: parts.flatMap(\.panels) + [last])
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
        if let q = g.quantity(named: name) {
            if let m = q.value(in: engineState, engine: engine) {
                var mask: Matrix<Double>? = nil
                if case .grad(let n) = q.source, let id = g.id(n), feedsRelu(id) { mask = engineState.values[id] }
                return .success(Panel(q.rawValue, m, mask: mask, check: checkSpec(q)))
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
            + g.quantities.map(\.asciiName)
    }

    /// A Double with every digit needed to reproduce it.
    static func full(_ x: Double) -> String { "\(x)" }
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

    /// Fan-in made visible: a node that received more than one term lists each with its norm, in
    /// the order the engine added them, and their sum (`fan-in at W1: Xᵀ G' ‖0.13‖ + 2λW1 ‖0.0071‖ =
    /// ∇W1 J ‖0.13‖`); nil for a node with one term or none yet.
    func fanIn(_ v: Int) -> String? {
        let g = engine.graph, s = engineState
        let terms = s.steps.flatMap { step in step.contributions.filter { $0.input == v }.map { (step, $0) } }
        guard terms.count > 1, let total = s.grads[v] else { return nil }
        func norm(_ m: Matrix<Double>) -> String { "‖\(formatNumber(TensorHealth.sumOfSquares(m).squareRoot()))‖" }
        let parts = terms.map { step, c -> String in
            let stepName = g.nodes[step.node].name
            let title = g.quantities.first { $0.source == .contribution(step: stepName, to: g.nodes[v].name) }?.rawValue
                ?? c.formula.components(separatedBy: "+= ").last ?? c.formula
            return "\(title) \(norm(c.value))"
        }
        return "fan-in at \(g.nodes[v].name): \(engine.gradientName(g.nodes[v].name)) \(norm(total)) = "
            + parts.joined(separator: " + ")
    }
}
