import BackpropCore

extension ExplorerState {
    /// `NAME[i,j]` (or a 1×1 NAME) expanded: a node's value by its forward rule, a gradient
    /// (`grad_W2`, `∇W2`) by every rule that contributed, or one of the book's quantities (G, Hᵀ G, 2λW1 …).
    public func explain(_ text: String) -> Result<EntryExplanation, ExplorerError> {
        let usage = ExplorerError.usage("explain NAME[i,j], e.g. explain grad_W2[0,1] or explain J")
        var name = text.trimmingCharacters(in: .whitespaces), index: (Int, Int)?
        if name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
            let inside = name[name.index(after: open)..<name.index(before: name.endIndex)]
            let n = inside.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard n.count == 2, let i = n[0], let j = n[1] else { return .failure(usage) }
            index = (i, j)
            name = String(name[..<open]).trimmingCharacters(in: .whitespaces)
        }
        guard !name.isEmpty else { return .failure(usage) }
        let g = engine.graph
        // What the name is: a value, a gradient, or a gradient contribution of one step.
        var node: Int, gradient = false, step: Int?
        // The graph's names (Figure 6.11's G, Hᵀ G); a parameter's gradient (∇W1 J) below, as the
        // contributions that have arrived so far.
        if let q = g.quantity(named: name), !Self.isLeafGradient(q, g) {
            switch q.source {
            case .value(let n): node = g.id(n)!
            case .grad(let n): node = g.id(n)!; gradient = true
            case let .contribution(from, to): node = g.id(to)!; gradient = true; step = g.id(from)
            }
            guard q.value(in: engineState, engine: engine) != nil else { return .failure(.notYet(name: q.rawValue)) }
        } else {
            let (base, isGradient) = Self.parseGradientName(name)
            guard let id = g.id(base) else { return .failure(.unknownName(name, known: Self.inspectableNames(g))) }
            if isGradient && !engine.needsGrad[id] { return .failure(.noGradient(name: base)) }
            node = id; gradient = isGradient
        }
        guard let m = gradient ? engineState.grads[node] : engineState.values[node] else {
            return .failure(.notYet(name: gradient ? engine.gradientName(g.nodes[node].name) : g.nodes[node].name))
        }
        guard let (i, j) = index ?? (m.count == 1 ? (0, 0) : nil) else {
            return .failure(.badValue("explain: \(name) is \(Self.dims(m)); say which entry, e.g. \(name)[0,0]"))
        }
        guard (0..<m.rows).contains(i), (0..<m.cols).contains(j) else {
            return .failure(.badValue("explain: [\(i),\(j)] is outside \(name), which is \(Self.dims(m)) (rows 0–"
                                      + "\(m.rows - 1), columns 0–\(m.cols - 1))"))
        }
        let x = gradient ? engine.explanation(ofGradient: node, at: i, j, in: engineState, only: step)
            : engine.explanation(ofValue: node, at: i, j, in: engineState)
        guard var x else { return .failure(.notYet(name: name)) }
        x.target = "\(name)[\(i),\(j)]"   // as the user wrote it (G, HT_G, ∇W2 …)
        // Stepped in float32, the stored value was rounded to float32 at each operation.
        if stepper.narrow != nil { x.unitRoundoff = Double(Float.ulpOfOne) }
        return .success(x)
    }

    /// Whether a quantity is a leaf's whole gradient (`@grad_W1 = grad(W1)`): the same as `grad_W1`.
    static func isLeafGradient(_ q: Quantity, _ g: Graph) -> Bool {
        if case .grad(let n) = q.source { return g[n]?.leaf != nil }
        return false
    }
}
