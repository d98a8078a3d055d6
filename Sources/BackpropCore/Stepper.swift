/// A cursor over an engine's steps that moves both ways; moving back restores the kept earlier state.
public struct Stepper<T: Real>: Sendable {
    public let engine: Engine<T>
    /// States at positions 0…current; the last is the current one.
    public private(set) var history: [EngineState<T>]

    public init(engine: Engine<T>, bindings: [String: Matrix<T>]) throws(EvalError) {
        self.engine = engine
        history = [try engine.start(bindings)]
    }

    public var state: EngineState<T> { history[history.count - 1] }
    public var position: Int { state.position }
    public var atEnd: Bool { position >= engine.stepCount }

    public mutating func stepForward() throws(EvalError) {
        guard !atEnd else { return }
        var s = state
        try engine.advance(&s)
        history.append(s)
    }

    public mutating func stepBackward() {
        if history.count > 1 { history.removeLast() }
    }

    /// Moves to `position` (clamped to 0…stepCount).
    public mutating func seek(to position: Int) throws(EvalError) {
        let p = max(0, min(position, engine.stepCount))
        while self.position > p { stepBackward() }
        while self.position < p { try stepForward() }
    }
}
