import BackpropCore

/// A session being replayed: the states after each line, computed by folding the actions through
/// the reducer. Stepping back re-folds from the nearest kept state (every 16th is kept).
public struct Replay: Sendable {
    public let file: Session.File
    /// Lines applied so far.
    public private(set) var index: Int
    public private(set) var state: ExplorerState
    private var snapshots: [Int: ExplorerState]

    public init(file: Session.File, start: ExplorerState) {
        self.file = file; index = 0; state = start; snapshots = [0: start]
    }

    public var atEnd: Bool { index >= file.lines.count }

    /// Applies the next line (actions change the state; digests and markers do not).
    public mutating func forward() {
        if isTraining { while continueTraining(while: { true }) {}; return }
        guard !atEnd else { return }
        // Quitting belongs to the person who recorded, not to the replay.
        if case .action(_, let a) = file.lines[index], a != .quit { Explorer.reduce(into: &state, a) }
        index += 1
        if index % 16 == 0 { snapshots[index] = state }
    }

    /// Starts the next line when it is a training, for the watching shell to run in slices
    /// (`continueTraining`); false (nothing started) for any other line.
    public mutating func beginTraining() -> Bool {
        guard !atEnd, state.training == nil, case .action(_, let a) = file.lines[index], a.trains else { return false }
        state.beginTraining(a)
        return true
    }

    /// Whether a training line is being played.
    public var isTraining: Bool { state.training != nil }

    /// Runs the training line under way while `proceed()` says; once it is done the line counts
    /// as played (the same state as `forward`). False when nothing is left of it.
    public mutating func continueTraining(while proceed: () -> Bool) -> Bool {
        guard state.training != nil else { return false }
        if state.continueTraining(while: proceed) { return true }
        state.finishTraining(stopped: false)
        index += 1
        if index % 16 == 0 { snapshots[index] = state }
        return false
    }

    /// Moves to just after `target` lines, re-folding from the nearest kept state.
    public mutating func seek(to target: Int) {
        if isTraining { while continueTraining(while: { true }) {} }
        let t = max(0, min(target, file.lines.count))
        if t < index {
            let k = snapshots.keys.filter { $0 <= t }.max() ?? 0
            state = snapshots[k]!; index = k
        }
        while index < t { forward() }
    }

    public mutating func backward() { seek(to: index - 1) }

    /// Line indices of markers.
    public var markers: [(index: Int, text: String)] {
        file.lines.enumerated().compactMap { i, l in if case .marker(_, let m) = l { return (i, m) }; return nil }
    }

    /// Checks every digest in order; returns the first mismatch. `proceed(i)` is asked before line i
    /// (progress, and a way to stop: false ends the check there, with no mismatch found so far).
    public static func verify(file: Session.File, start: ExplorerState,
                              proceed: (Int) -> Bool = { _ in true }) -> Mismatch? {
        var s = start
        for (i, line) in file.lines.enumerated() {
            guard proceed(i) else { return nil }
            switch line {
            case .action(_, let a): Explorer.reduce(into: &s, a)
            case .digest(_, let expected):
                let actual = Session.Digest(s)
                if actual != expected { return Mismatch(line: file.lineNumbers[i], expected: expected, actual: actual) }
            case .marker: break
            }
        }
        return nil
    }

    public struct Mismatch: Equatable, Sendable {
        public var line: Int
        public var expected: Session.Digest
        public var actual: Session.Digest
    }
}
