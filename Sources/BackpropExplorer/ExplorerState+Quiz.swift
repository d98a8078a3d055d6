import BackpropCore

extension ExplorerState {
    /// The question to ask before the step at `position` (a backward step) reveals its result, or
    /// nil where there is none to ask. The step is taken on a copy, so the answer is the engine's.
    /// Which contribution, entry and kind are asked follows from the seed, the update, the
    /// position and the questions asked so far: a replay asks the same.
    func quizQuestion() -> QuizQuestion? {
        let e = engine, f = e.forwardNodes.count
        guard position >= f, position < stepCount else { return nil }
        var next = stepper
        guard (try? next.stepForward()) != nil, let record = next.state.steps.last,
              !record.contributions.isEmpty else { return nil }
        var rng = SeededGenerator(seed: config.seed ^ UInt64(updates) &* 0x9E37_79B9_7F4A_7C15
                                  ^ UInt64(position) << 20 ^ UInt64(quiz.asked) << 40)
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        let g = e.graph, node = g.nodes[record.node]
        let c = record.contributions[pick(record.contributions.count)]
        let input = g.nodes[c.input].name
        let what = "what \(node.text) adds to \(e.gradientName(input))"
        let (r, col) = (pick(c.value.rows), pick(c.value.cols))
        let entry = "entry [\(r),\(col)] of \(what)"
        // At a relu, the mask; elsewhere the kinds in turn.
        if node.op == ReluOp.name, let u = engineState.values[c.input] {
            let zeroed = (0..<u.cols).filter { !(u[r, $0] > 0) }
            return QuizQuestion(kind: .mask, text: "which columns of row \(r) does the relu mask zero in "
                                + "\(e.gradientName(input))? (column numbers, or none)", answer: .mask(zeroed))
        }
        let kinds: [QuizQuestion.Kind] = [.shape, .sign, .value, .rule]
        switch kinds[quiz.asked % kinds.count] {
        case .sign:
            let v = c.value[r, col]
            return QuizQuestion(kind: .sign, text: "sign of \(entry)? (+, − or 0)",
                                answer: .sign(v > 0 ? 1 : v < 0 ? -1 : 0))
        case .value:
            // An entry that is not zero, when there is one: a zero is a sign question.
            let nonzero = c.value.storage.indices.filter { c.value.storage[$0] != 0 && c.value.storage[$0].isFinite }
            let k = nonzero.isEmpty ? r * c.value.cols + col : nonzero[pick(nonzero.count)]
            let (i, j) = (k / c.value.cols, k % c.value.cols)
            return QuizQuestion(kind: .value, text: "entry [\(i),\(j)] of \(what), to 2 significant digits?",
                                answer: .value(c.value[i, j]))
        case .rule:
            if let q = ruleQuestion(record: record, contribution: c, what: what, pick: pick) { return q }
            fallthrough
        default:
            return QuizQuestion(kind: .shape, text: "shape of \(what)? (rows×cols)",
                                answer: .shape(rows: c.value.rows, cols: c.value.cols))
        }
    }

    /// Which rule gives the contribution: its formula and up to three others of the graph's, in a seeded order.
    private func ruleQuestion(record: BackwardStep<Double>, contribution c: Contribution<Double>, what: String,
                              pick: (Int) -> Int) -> QuizQuestion? {
        func rhs(_ line: String) -> String { line.components(separatedBy: " += ").last ?? line }
        let right = rhs(c.formula)
        var others: [String] = []
        for v in engine.backwardNodes {
            let ids = engine.graph.inputIndices[v]
            for (slot, line) in engine.rules[engine.graph.nodes[v].op]!.formula(engine.formulaNames(v)).enumerated()
            where slot < ids.count && engine.needsGrad[ids[slot]] && line.contains(" += ") {
                let t = rhs(line)
                if t != right && !others.contains(t) { others.append(t) }
            }
        }
        guard !others.isEmpty else { return nil }
        var choices = [right]
        while choices.count < 4 && !others.isEmpty { choices.append(others.remove(at: pick(others.count))) }
        for i in stride(from: choices.count - 1, to: 0, by: -1) { choices.swapAt(i, pick(i + 1)) }
        return QuizQuestion(kind: .rule, text: "which rule gives \(what)?", choices: choices,
                            answer: .choice(choices.firstIndex(of: right)!))
    }
}
