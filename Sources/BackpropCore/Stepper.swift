/// A cursor over an engine's steps that moves both ways; moving back restores the kept earlier state.
///
/// The steps may be computed apart from what is shown (`Computation`): by a float32 engine, as a
/// float32 run computes them, and kept widened (exactly: every float32 is a T); and on the
/// minibatch's rows in another order (the order the trainer arranged them in, so that sums over
/// the rows run as in training), shown with the rows put back. What the TUI shows, checks and
/// steps to is then the run's own numbers, bit for bit.
public struct Stepper<T: Real>: Sendable {
    public let engine: Engine<T>
    /// States at positions 0…current, as shown; the last is the current one.
    public private(set) var history: [EngineState<T>]
    /// How the steps are computed when not by `engine` on the rows shown.
    public let computation: Computation?
    /// The computed states (as `history`), for the engine that computes them.
    var narrowHistory: [EngineState<Float>] = []
    var arrangedHistory: [EngineState<T>] = []

    /// The engine that computes (nil: `engine`) and the order of the minibatch's rows it computes
    /// in: shown row i is its row `rows[i]` (nil: the order shown).
    public struct Computation: Sendable {
        public var narrow: Engine<Float>?
        public var rows: [Int]?
        public init(narrow: Engine<Float>?, rows: [Int]?) { self.narrow = narrow; self.rows = rows }
    }

    public init(engine: Engine<T>, bindings: [String: Matrix<T>]) throws(EvalError) {
        self.engine = engine
        computation = nil
        history = [try engine.start(bindings)]
    }

    /// Steps computed in float32 by `narrow` from `bindings` (their minibatch rows in `rows`' order).
    public init(engine: Engine<T>, narrow: Engine<Float>, bindings: [String: Matrix<Float>],
                rows: [Int]?) throws(EvalError) {
        self.engine = engine
        computation = Computation(narrow: narrow, rows: rows)
        let s = try narrow.start(bindings)
        narrowHistory = [s]
        history = [Self.shown(s, engine: narrow, rows: rows)]
    }

    /// Steps computed by `engine` on `bindings` whose minibatch rows are in `rows`' order.
    public init(engine: Engine<T>, arrangedBindings: [String: Matrix<T>], rows: [Int]) throws(EvalError) {
        self.engine = engine
        computation = Computation(narrow: nil, rows: rows)
        let s = try engine.start(arrangedBindings)
        arrangedHistory = [s]
        history = [Self.shown(s, engine: engine, rows: rows)]
    }

    /// Float32, when the steps are computed in it.
    public var narrow: Engine<Float>? { computation?.narrow }
    public var state: EngineState<T> { history[history.count - 1] }
    public var position: Int { state.position }
    public var atEnd: Bool { position >= engine.stepCount }

    public mutating func stepForward() throws(EvalError) {
        guard !atEnd else { return }
        var s = state
        if let c = computation, let narrow = c.narrow {
            var f = narrowHistory[narrowHistory.count - 1]
            try narrow.advance(&f)
            narrowHistory.append(f)
            Self.carry(f, engine: narrow, rows: c.rows, into: &s)
        } else if let c = computation {
            var f = arrangedHistory[arrangedHistory.count - 1]
            try engine.advance(&f)
            arrangedHistory.append(f)
            Self.carry(f, engine: engine, rows: c.rows, into: &s)
        } else {
            try engine.advance(&s)
        }
        history.append(s)
    }

    public mutating func stepBackward() {
        guard history.count > 1 else { return }
        history.removeLast()
        if !narrowHistory.isEmpty { narrowHistory.removeLast() }
        if !arrangedHistory.isEmpty { arrangedHistory.removeLast() }
    }

    /// Moves to `position` (clamped to 0…stepCount).
    public mutating func seek(to position: Int) throws(EvalError) {
        let p = max(0, min(position, engine.stepCount))
        while self.position > p { stepBackward() }
        while self.position < p { try stepForward() }
    }

    /// A computed tensor as shown: in T, and for the minibatch's rows, put back in the order shown.
    static func shown<C: Real>(_ m: Matrix<C>, node: Int, engine e: Engine<C>, rows: [Int]?) -> Matrix<T> {
        if let rows, e.batchRows[node], m.rows == rows.count {
            return Matrix(rows: m.rows, cols: m.cols) { i, j in T(m[rows[i], j]) }
        }
        if let same = m as? Matrix<T> { return same }
        return Matrix(rows: m.rows, cols: m.cols, m.storage.map { T($0) })
    }

    static func shown<C: Real>(_ s: EngineState<C>, engine e: Engine<C>, rows: [Int]?) -> EngineState<T> {
        func each(_ ms: [Matrix<C>?]) -> [Matrix<T>?] {
            ms.enumerated().map { i, m in m.map { shown($0, node: i, engine: e, rows: rows) } }
        }
        return EngineState(position: s.position, values: each(s.values), grads: each(s.grads),
                           steps: s.steps.map { shown($0, engine: e, rows: rows) })
    }

    static func shown<C: Real>(_ b: BackwardStep<C>, engine e: Engine<C>, rows: [Int]?) -> BackwardStep<T> {
        BackwardStep(node: b.node, incoming: shown(b.incoming, node: b.node, engine: e, rows: rows), rule: b.rule,
                     contributions: b.contributions.map {
                         Contribution(input: $0.input, formula: $0.formula,
                                      value: shown($0.value, node: $0.input, engine: e, rows: rows))
                     })
    }

    /// Brings what computed step `f` changed into the shown state `s`: a forward node's value, or
    /// a backward step's gradients and its record.
    static func carry<C: Real>(_ f: EngineState<C>, engine e: Engine<C>, rows: [Int]?, into s: inout EngineState<T>) {
        let forward = e.forwardNodes.count
        if s.position < forward {
            let v = e.forwardNodes[s.position]
            s.values[v] = f.values[v].map { shown($0, node: v, engine: e, rows: rows) }
        } else if let step = f.steps.last {
            s.grads[step.node] = f.grads[step.node].map { shown($0, node: step.node, engine: e, rows: rows) }
            for c in step.contributions {
                s.grads[c.input] = f.grads[c.input].map { shown($0, node: c.input, engine: e, rows: rows) }
            }
            s.steps.append(shown(step, engine: e, rows: rows))
        }
        s.position = f.position
    }
}
