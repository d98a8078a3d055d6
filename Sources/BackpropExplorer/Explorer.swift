import BackpropCore

/// The explorer's logic: a pure reducer over `ExplorerState` and `Action` (no I/O, no clock;
/// randomness only from the state's seeded generator), and the key handling in front of it.
public enum Explorer {
    /// What a key led to: an action that was applied (the shell records it), or an effect for the shell.
    public enum Outcome: Equatable, Sendable {
        case applied(Action)
        /// A training began (`ExplorerState.training`): the live shell runs it between frames.
        case training(Action)
        case record(path: String?)
        /// `:save FILE`: a checkpoint of the loop, for the shell to write.
        case save(path: String)
    }

    /// Applies one action.
    public static func reduce(into s: inout ExplorerState, _ action: Action) {
        let keepsView: Bool
        switch action {
        case .inspect, .nextTab, .previousTab, .scroll, .picture, .check, .toggleHelp, .toggleProgram, .dismiss,
             .mark, .explain, .quiz, .quit: keepsView = true
        default: keepsView = false
        }
        if !keepsView { s.check = nil; s.explanation = nil; s.tab = 0; s.scrollRow = 0; s.scrollCol = 0 }
        // What-if edits are to the minibatch being stepped: training, a setting or a reset ends them.
        switch action {
        case .trainStep, .train, .trainStopped, .trainEpoch, .set, .reset: s.whatIf = nil
        default: break
        }
        // A question is about the step it was asked before: moving elsewhere withdraws it.
        if action.changesModel, action != .stepForward, !action.isAnswer { s.quiz.pending = nil }
        do throws(EvalError) {
            try apply(action, &s)
        } catch {
            s.status = .init("\(error)", isError: true)
        }
    }

    static func apply(_ action: Action, _ s: inout ExplorerState) throws(EvalError) {
        let f = s.engine.forwardNodes.count
        switch action {
        case .stepForward:
            if s.stepper.atEnd {
                s.status = .init("end of back-propagation: n updates the weights and takes the next minibatch")
                return
            }
            if s.quiz.on {
                // The question comes before the reveal; the step waits for the answer.
                if s.quiz.pending == nil { s.quiz.pending = s.quizQuestion() }
                if let q = s.quiz.pending { s.status = .init("quiz: " + q.text); return }
            }
            try s.stepper.stepForward()
            s.status = .init("")
        case .answer(let typed):
            guard let q = s.quiz.pending else {
                s.status = .init("no question is waiting: :quiz on, then → at a back-propagation step", isError: true)
                return
            }
            let right = q.judge(typed)
            s.quiz.asked += 1
            if right { s.quiz.right += 1 }
            s.quiz.pending = nil
            try s.stepper.stepForward()
            s.status = right ? .init("✓ right: \(q.answerText) · \(s.quiz.score)")
                : .init("✗ the answer is \(q.answerText) (you said \(REPL.inert(typed))) · \(s.quiz.score)")
        case .quiz(let on):
            s.quiz.on = on
            if !on { s.quiz.pending = nil }
            s.status = .init(on ? "quiz on: → at a back-propagation step asks about it first; type the answer, "
                                  + "Enter · \(s.quiz.score)" : "quiz off · \(s.quiz.score)")
        case .explain(let text):
            switch s.explain(text) {
            case .success(let x):
                s.explanation = x; s.check = nil
                s.status = .init(x.line, isError: !x.agrees)
            case .failure(let e): s.status = .init(e.message, isError: true)
            }
        case .stepBackward:
            if s.position == 0 { s.status = .init("at the start of the forward pass"); return }
            s.stepper.stepBackward()
            s.status = .init("")
        case .first: try s.stepper.seek(to: 0); s.status = .init("start of the forward pass")
        case .last:
            if try !s.stepUntilBreak(to: s.stepCount) { s.status = .init("end of back-propagation") }
        case .breakOn(let text): s.addProbe(text, stops: true)
        case .watch(let text): s.addProbe(text, stops: false)
        case .deleteProbe(let n): s.deleteProbe(n)
        case .listProbes: s.status = .init(s.probeList)
        case .edit(let text): s.edit(text)
        case .undo: s.undoEdit()
        case .forwardPhase: try s.stepper.seek(to: 0); s.status = .init("forward pass: " + s.engine.describe(step: 0))
        case .backwardPhase:
            try s.stepper.seek(to: f); s.status = .init("back-propagation starts at J: " + s.engine.describe(step: f))
        case .goto(let name):
            switch gotoPosition(name, s) {
            case .success(let p): try s.stepper.seek(to: p); s.status = .init(s.engine.describe(step: p - 1))
            case .failure(let e): s.status = .init(e.message, isError: true)
            }
        case .producer, .consumer:
            switch neighbourPosition(producer: action == .producer, s) {
            case .success(let p):
                try s.stepper.seek(to: p); s.status = .init(s.engine.describe(step: p - 1))
            case .failure(let e): s.status = .init(e.message, isError: true)
            }
        case .trainStep, .train, .trainStopped, .trainEpoch:
            s.beginTraining(action)
            while s.continueTraining() {}
            s.finishTraining(stopped: false)
        case let .set(setting, value):
            if let problem = setting.validate(value, examples: s.train.count) {
                s.status = .init(problem, isError: true)
                return
            }
            var c = s.config
            switch setting {
            case .lr: c.lr = value
            case .lambda: c.lambda = value
            case .batch: c.batchSize = Int(value)
            case .hidden: c.hidden = Int(value)
            case .seed: c.seed = UInt64(value)
            }
            if setting.resetsModel {
                let keep = (s.history, s.lastMark, s.run.settings.threads, s.quiz, s.probes)
                s = try ExplorerState(config: c, train: s.train, test: s.test, threads: keep.2)
                (s.history, s.lastMark, s.quiz, s.probes) = (keep.0, keep.1, keep.3, keep.4)
                s.syncProbes()
            } else {
                let p = s.position
                s.config = c
                s.run.change(lr: c.lr, lambda: c.lambda, batchSize: c.batchSize)
                try s.followLoop()
                if setting != .batch { try s.stepper.seek(to: p) }
            }
            let note = setting.resetsModel ? ": new model" : ""
            s.status = .init("\(setting.rawValue) = \(formatSetting(value))" + note)
        case .reset:
            let keep = (s.history, s.lastMark, s.run.settings.threads, s.quiz, s.probes)
            s = try ExplorerState(config: s.config, train: s.train, test: s.test, threads: keep.2)
            (s.history, s.lastMark, s.quiz, s.probes) = (keep.0, keep.1, keep.3, keep.4)
            s.syncProbes()
            s.status = .init("reset: new weights from seed \(s.config.seed)")
        case .inspect(let name):
            if name.isEmpty { s.pinned = nil; s.status = .init("inspector follows the step"); return }
            switch s.resolve(name) {
            case .success(let p):
                s.pinned = name; s.scrollRow = 0; s.scrollCol = 0
                s.status = .init("inspect \(p.title)")
            case .failure(let e): s.status = .init(e.message, isError: true)
            }
        case .nextTab, .previousTab:
            let n = max(1, s.inspection.panels.count + (s.train.imageSide != nil ? 1 : 0))
            s.tab = (s.tab + (action == .nextTab ? 1 : n - 1)) % n
            s.scrollRow = 0; s.scrollCol = 0; s.check = nil
        case let .scroll(rows, cols):
            s.scrollRow = max(0, s.scrollRow + rows); s.scrollCol = max(0, s.scrollCol + cols)
            if let p = s.selectedPanel {
                s.scrollRow = min(s.scrollRow, max(0, p.matrix.rows - 1)); s.scrollCol = min(s.scrollCol,
                    max(0, p.matrix.cols - 1))
            }
        case .picture(let d):
            s.pictureColumn = ((s.pictureColumn + d) % s.config.hidden + s.config.hidden) % s.config.hidden
            s.status = .init("pictures show W1 column \(s.pictureColumn)")
        case .check:
            guard let p = s.selectedPanel else {
                s.status = .init("nothing to check here: step to a gradient first", isError: true)
                return
            }
            guard let spec = p.check else {
                s.status = .init("\(p.title) is not a gradient; select G, G', Hᵀ G, Xᵀ G', 2λW or a ∇ panel (Tab)",
                                 isError: true)
                return
            }
            let r = try CheckReport.run(title: "\(p.title) = ∂\(spec.of)/∂\(spec.wrt)", analytic: p.matrix, of: spec.of,
                                        wrt: spec.wrt, state: s)
            s.check = r
            s.status = .init("check \(r.title): \(r.passed ? "agrees" : "DISAGREES"), max |analytic − numeric| = "
                             + "\(formatError(r.maxError))", isError: !r.passed)
        case .toggleHelp: s.showHelp.toggle()
        case .toggleProgram:
            s.showProgram.toggle()
            s.status = .init(s.showProgram ? "the backward program: the current step's lines are highlighted (p hides)"
                                           : "inspector")
        case .dismiss:
            if s.showHelp { s.showHelp = false } else if s.check != nil { s.check = nil }
            else if s.explanation != nil { s.explanation = nil }
            else if s.quiz.pending != nil { s.quiz.pending = nil; s.status = .init("question withdrawn: → asks again") }
            else if s.pinned != nil { s.pinned = nil } else if s.lastMark != nil { s.lastMark = nil }
        case .mark(let text): s.lastMark = text; s.status = .init("note (Esc hides it): \(text)")
        case .quit: s.quit = true
        }
    }

    /// The position just after the step, in the current pass, of the first node (in the order written)
    /// that the current step's node reads (`producer`) or that reads it; an error naming the
    /// node when it has none with a step in this pass.
    static func neighbourPosition(producer: Bool, _ s: ExplorerState) -> Result<Int, ExplorerError> {
        let e = s.engine, g = e.graph, f = e.forwardNodes.count
        guard let v = s.currentNode else { return .failure(.badValue("take a step first (→): no node is current")) }
        let name = g.nodes[v].name
        let candidates = producer ? g.inputIndices[v] : g.uses[v]
        let backward = s.inBackward
        for u in candidates {
            if backward, let i = e.backwardNodes.firstIndex(of: u) { return .success(f + i + 1) }
            if !backward, let i = e.forwardNodes.firstIndex(of: u) { return .success(i + 1) }
        }
        let names = candidates.map { g.nodes[$0].name }.joined(separator: ", ")
        let pass = backward ? "back-propagation" : "the forward pass"
        if candidates.isEmpty {
            let none = producer ? "\(name) reads nothing" : "\(name) is read by nothing: it is the loss"
            return .failure(.badValue(none))
        }
        return .failure(.badValue("\(name) \(producer ? "reads" : "is read by") \(names): no step in \(pass)"))
    }

    /// The position just after a node's forward step, or after its backward step for grad_NODE / ∇NODE / a quantity.
    static func gotoPosition(_ name: String, _ s: ExplorerState) -> Result<Int, ExplorerError> {
        let e = s.engine, g = e.graph, f = e.forwardNodes.count
        var base = name, backward = false
        if let q = g.quantity(named: name) {
            switch q.source {
            case .value(let n): base = n
            case .grad(let n): base = n; backward = true
            case .contribution(let step, _): base = step; backward = true
            }
        }
        let parsed = ExplorerState.parseGradientName(base)
        if parsed.isGradient { base = parsed.node; backward = true }
        guard let id = g.id(base) else { return .failure(.unknownName(name, known: g.nodes.map(\.name))) }
        if backward {
            guard let i = e.backwardNodes.firstIndex(of: id) else {
                if let c = g.nodes.indices.last(where: { e.backwardNodes.contains($0)
                    && g.nodes[$0].inputs.contains(base) }),
                   let i = e.backwardNodes.firstIndex(of: c) { return .success(f + i + 1) }
                return .failure(.noGradient(name: base))
            }
            return .success(f + i + 1)
        }
        guard let i = e.forwardNodes.firstIndex(of: id) else {
            return .failure(.badValue("\(base) is a leaf (an input or a parameter): it has no step; try inspect "
                                      + "\(base)"))
        }
        return .success(i + 1)
    }

    /// Handles a key: the command line while it is open, the key table otherwise. `live`: training
    /// actions only begin (`Outcome.training`), for the shell to run in slices.
    public static func handle(_ key: Key, _ s: inout ExplorerState, live: Bool = false) -> [Outcome] {
        func apply(_ a: Action) -> [Outcome] {
            if live && a.trains {
                s.beginTraining(a)
                s.status = .init("training: Esc stops after the current update, q quits")
                return [.training(a)]
            }
            reduce(into: &s, a)
            // A question was asked: the answer line opens (Esc closes it to look around first).
            if a == .stepForward, s.quiz.pending != nil { s.prompt = Prompt(answering: true) }
            return [.applied(a)]
        }
        if var p = s.prompt {
            switch key {
            case .escape:
                s.prompt = nil
                if p.answering { s.status = .init("look around first (Tab, ↑↓, :inspect); → returns to the question") }
                return []
            case .enter:
                s.prompt = nil
                let line = p.text.trimmingCharacters(in: .whitespaces)
                guard !line.isEmpty else { return [] }
                if p.answering { return apply(.answer(line)) }
                if s.history.last != line { s.history.append(line) }
                switch REPL.parse(line) {
                case .failure(let e): s.status = .init(e.message, isError: true); return []
                case .success(.record(let path)): return [.record(path: path)]
                case .success(.save(let path)): return [.save(path: path)]
                case .success(.action(let a)): return apply(a)
                }
            case .backspace: if p.text.isEmpty { s.prompt = nil; return [] }; p.backspace()
            case .up where !p.answering: p.up(s.history)
            case .down where !p.answering: p.down(s.history)
            case .tab where !p.answering:
                let options = p.complete(names: ExplorerState.inspectableNames(s.engine.graph))
                if options.count > 1 { s.status = .init(options.prefix(16).joined(separator: " ")) }
            case .char(let c): p.insert(c)
            default: break
            }
            s.prompt = p
            return []
        }
        if key == Keymap.prompt { s.prompt = Prompt(); return [] }
        if key == Keymap.find { var p = Prompt(); p.text = "goto "; s.prompt = p; return [] }
        if key == Keymap.record { return [.record(path: nil)] }
        if s.showHelp, key != .char("?"), key != .char("q") { s.showHelp = false; return [.applied(.dismiss)] }
        guard let a = Keymap.action(for: key) else { return [] }
        return apply(a)
    }
}

func formatSetting(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)" }
