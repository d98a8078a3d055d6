import BackpropCore

extension ExplorerState {
    /// The engine for λ (the run's, or a what-if's).
    func engine(lambda: Double) throws(EvalError) -> Engine<Double> {
        try Engine<Double>(graph: graph, constants: ["λ": lambda, "k": Double(train.classes)])
    }

    /// Every value and gradient of the minibatch for these leaves and λ.
    func fullState(_ b: [String: Matrix<Double>], lambda: Double) throws(EvalError) -> EngineState<Double> {
        // In the run's precision, as the stepper computes (`makeStepper`).
        var s = try makeStepper(b, lambda: lambda)
        try s.seek(to: s.engine.stepCount)
        return s.state
    }

    /// `:edit NAME[i,j] = V` (also `NAME[i,*]`, `NAME[*,j]`, `λ = V`): changes a leaf of the minibatch
    /// being stepped (a weight, X or y) or λ, recomputes everything downstream at this step, and
    /// says how J changed beside the first-order prediction ⟨∇J, Δ⟩.
    mutating func edit(_ text: String) {
        let usage = "edit NAME[i,j] = V (or NAME[i,*], NAME[*,j], λ = V): NAME a parameter, X or y"
        let sides = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard sides.count == 2, let v = Double(sides[1]), v.isFinite || sides[0] != "λ" else {
            status = .init("usage: " + usage, isError: true); return
        }
        var b = whatIf?.bindings ?? bindings, lambda = whatIf?.lambda ?? config.lambda
        if sides[0] == "λ" || sides[0] == "lambda" {
            guard v >= 0 else { status = .init("edit: λ = \(v); expected λ ≥ 0", isError: true); return }
            lambda = v
        } else {
            var name = sides[0], rows: Range<Int>? = nil, cols: Range<Int>? = nil
            if name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
                let inside = name[name.index(after: open)..<name.index(before: name.endIndex)]
                let parts = inside.split(separator: ",", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                name = String(name[..<open]).trimmingCharacters(in: .whitespaces)
                guard parts.count == 2, let m = b[name] else {
                    status = .init(b[name] == nil ? "edit: '\(REPL.inert(name))' is not a leaf of the graph; "
                                   + "expected X, y or a parameter (\(graph.names(of: .param).joined(separator: ", ")))"
                                   : "usage: " + usage, isError: true)
                    return
                }
                func range(_ s: String, _ n: Int) -> Range<Int>?? {
                    if s == "*" { return .some(0..<n) }
                    guard let i = Int(s) else { return .none }
                    return (0..<n).contains(i) ? .some(i..<(i + 1)) : .some(nil)
                }
                guard let r = range(parts[0], m.rows), let c = range(parts[1], m.cols) else {
                    status = .init("usage: " + usage, isError: true); return
                }
                guard let r, let c else {
                    status = .init("edit: [\(parts[0]),\(parts[1])] is outside \(REPL.inert(name)), which is "
                                   + "\(m.rows)×\(m.cols)", isError: true)
                    return
                }
                rows = r; cols = c
            }
            guard let m = b[name], let rows, let cols else {
                status = .init(b[name] == nil ? "edit: '\(REPL.inert(name))' is not a leaf of the graph; expected "
                               + "X, y or a parameter" : "usage: " + usage, isError: true)
                return
            }
            var changed = m
            for i in rows { for j in cols { changed[i, j] = v } }
            b[name] = changed
        }
        let entry = WhatIf.Entry(text: text, bindings: whatIf?.bindings ?? bindings,
                                 lambda: whatIf?.lambda ?? config.lambda)
        do throws(EvalError) {
            try setWhatIf(bindings: b, lambda: lambda, entries: (whatIf?.entries ?? []) + [entry])
        } catch {
            status = .init("edit: \(error)", isError: true)
        }
    }

    /// `:undo`: the values before the last edit.
    mutating func undoEdit() {
        guard let w = whatIf, let last = w.entries.last else {
            status = .init("nothing to undo: :edit NAME[i,j] = V makes a what-if edit", isError: true); return
        }
        do throws(EvalError) {
            try setWhatIf(bindings: last.bindings, lambda: last.lambda, entries: Array(w.entries.dropLast()))
            if whatIf == nil { status = .init("undone: " + REPL.inert(last.text) + "; no edits remain") }
            else { status = .init("undone: " + REPL.inert(last.text) + "; " + whatIfSummary) }
        } catch {
            status = .init("undo: \(error)", isError: true)
        }
    }

    /// Makes the edited leaves and λ the stepped ones (none left: the run's), at the same step.
    mutating func setWhatIf(bindings b: [String: Matrix<Double>], lambda: Double,
                            entries: [WhatIf.Entry]) throws(EvalError) {
        let p = position
        let original = whatIf?.original ?? bindings, originalLambda = whatIf?.originalLambda ?? config.lambda
        guard !entries.isEmpty else {
            whatIf = nil
            try restartStepper()
            try stepper.seek(to: p)
            return
        }
        let before = try fullState(original, lambda: originalLambda)
        let after = try fullState(b, lambda: lambda)
        let g = graph
        let J0 = before.values[g.loss]!.scalar, J1 = after.values[g.loss]!.scalar
        // First order: ⟨∇leaf J, Δleaf⟩ over the leaves that changed, and ∂J/∂λ·Δλ (λ scales nodes).
        var predicted: Double? = 0
        for (name, m) in b where !(original[name]!.bitwiseEqual(m)) {
            guard let id = g.id(name), let grad = before.grads[id] else { predicted = nil; break }
            let d = zip(m.storage, original[name]!.storage).map { $0 - $1 }
            predicted! += zip(grad.storage, d).reduce(0) { $0 + $1.0 * $1.1 }
        }
        if lambda != originalLambda, predicted != nil {
            for (v, n) in g.nodes.enumerated() where n.constants.contains("λ") {
                guard n.op == ScaleOp.name, let x = before.values[g.inputIndices[v][0]], let gv = before.grads[v]
                else { predicted = nil; break }
                predicted! += zip(gv.storage, x.storage).reduce(0) { $0 + $1.0 * $1.1 } * (lambda - originalLambda)
            }
        }
        let deltas: [Double?] = g.nodes.indices.map { v in
            guard let x = before.values[v], let y = after.values[v], !x.bitwiseEqual(y) else { return nil }
            return zip(x.storage, y.storage).reduce(0) { $0 + ($1.1 - $1.0) * ($1.1 - $1.0) }.squareRoot()
        }
        var flipped: [Int: Int] = [:]
        for (v, n) in g.nodes.enumerated() where n.op == ReluOp.name {
            let u = g.inputIndices[v][0]
            if let x = before.values[u], let y = after.values[u] {
                let k = zip(x.storage, y.storage).filter { ($0.0 > 0) != ($0.1 > 0) }.count
                if k > 0 { flipped[v] = k }
            }
        }
        whatIf = WhatIf(original: original, originalLambda: originalLambda, bindings: b, lambda: lambda,
                        entries: entries, deltaJ: J1 - J0, predicted: predicted, deltas: deltas, flipped: flipped)
        try restartStepper()
        try stepper.seek(to: p)
        status = .init("what-if " + REPL.inert(entries.last!.text) + ": " + whatIfSummary)
    }

    /// `ΔJ = actual (first-order prediction ⟨∇J, Δ⟩) · nodes changed · relu gates flipped`.
    var whatIfSummary: String {
        guard let w = whatIf else { return "" }
        let pred = w.predicted.map { "first-order prediction ⟨∇J, Δ⟩ = \(formatNumber($0))" }
            ?? "no first-order prediction: an edited leaf gets no gradient"
        let changed = w.deltas.compactMap { $0 }.count
        let flips = w.flipped.values.reduce(0, +)
        return "ΔJ = \(formatNumber(w.deltaJ)) (\(pred)) · \(changed) nodes changed"
            + (flips > 0 ? " · \(flips) relu gates flipped" : "") + " · :undo restores"
    }
}
