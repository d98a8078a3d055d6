import BackpropCore
import BackpropTraining

extension ExplorerState {
    /// `:break PRED` / `:watch PRED`: parses against the graph and the minibatch's shapes, keeps
    /// it, and hands every probe to the training loop.
    mutating func addProbe(_ text: String, stops: Bool) {
        let t = text.trimmingCharacters(in: .whitespaces)
        // A watch may name a statistic alone: it shows the value, whatever it is.
        let bare = !stops && t != "nonfinite"
            && !TensorPredicate.Comparison.allCases.contains { t.contains($0.rawValue) }
        let shapes = engine.shapes(leafShapes(rows: batch.count))
        do {
            let p = try TensorPredicate(bare ? t + " >= -inf" : t, graph: graph, shapes: shapes)
            probes.append(Probe(predicate: p, stops: stops, text: t))
            syncProbes()
            let r = reading(p)
            status = .init("\(stops ? "breakpoint" : "watch") \(probes.count): \(REPL.inert(t))"
                           + (r.map { " (now \($0))" } ?? "") + "; :breaks lists them")
        } catch {
            status = .init(error.description, isError: true)
        }
    }

    /// `:delete N`.
    mutating func deleteProbe(_ n: Int) {
        guard n >= 1 && n <= probes.count else {
            status = .init(probes.isEmpty ? "no breakpoints or watches to delete; :break PRED sets one"
                           : "delete: no number \(n); expected 1 to \(probes.count) (:breaks lists them)",
                           isError: true)
            return
        }
        let p = probes.remove(at: n - 1)
        syncProbes()
        status = .init("deleted \(p.stops ? "breakpoint" : "watch") \(n): \(REPL.inert(p.text))")
    }

    /// `:breaks`: the numbered list on the status line.
    var probeList: String {
        guard !probes.isEmpty else { return "no breakpoints or watches; :break PRED or :watch PRED sets one" }
        return probes.enumerated().map { i, p in "\(i + 1) \(p.stops ? "break" : "watch") \(REPL.inert(p.text))" }
            .joined(separator: " · ")
    }

    /// Gives the loop the probes: training then stops where a breakpoint holds.
    mutating func syncProbes() {
        run.setProbes(probes.map(\.predicate), stops: probes.map(\.stops))
    }

    /// A probe's reading on the step's state, as text (nil before what it reads is computed).
    func reading(_ p: TensorPredicate) -> String? {
        let s = engineState
        let r = p.reading(values: s.values, grads: s.grads)
        if case .nonfinite = p.kind { return r.holds ? "holds" : "all finite" }
        return r.value.map { formatNumber($0) }
    }

    /// The watch line: every probe's value at this step (`✋` marks a breakpoint that holds).
    public var watchLine: String? {
        guard !probes.isEmpty else { return nil }
        let s = engineState
        return probes.enumerated().map { i, p in
            let r = p.predicate.reading(values: s.values, grads: s.grads)
            let label = p.text
            let v: String
            if case .nonfinite = p.predicate.kind { v = r.holds ? "✋ holds" : "no" } else {
                v = (r.value.map { formatNumber($0) } ?? "–") + (p.stops && r.holds ? " ✋" : "")
            }
            return "\(i + 1) \(REPL.inert(label)): \(v)"
        }.joined(separator: " · ")
    }

    /// The first breakpoint that holds on the step's state, if any.
    func holdingBreakpoint() -> Int? {
        let s = engineState
        return probes.indices.first {
            probes[$0].stops && probes[$0].predicate.reading(values: s.values, grads: s.grads).holds
        }
    }

    /// Steps on until a breakpoint comes to hold or `target` is reached; true if one stopped it.
    /// (One that holds already does not stop it again: → past a breakpoint goes on.)
    mutating func stepUntilBreak(to target: Int) throws(EvalError) -> Bool {
        guard probes.contains(where: \.stops), holdingBreakpoint() == nil else {
            try stepper.seek(to: target); return false
        }
        while stepper.position < target {
            try stepper.stepForward()
            if let i = holdingBreakpoint() {
                status = .init("breakpoint \(i + 1) holds: \(REPL.inert(probes[i].text)) after "
                               + engine.describe(step: position - 1))
                return true
            }
        }
        return false
    }
}

extension ExplorerState {
    /// From the start of the minibatch, steps to where a breakpoint first holds (`--open`); the
    /// step that made it hold, or nil (then at the end).
    public mutating func stepToBreakpoint() -> String? {
        guard (try? stepper.seek(to: 0)) != nil, (try? stepUntilBreak(to: stepCount)) == true else { return nil }
        return engine.describe(step: position - 1)
    }
}
