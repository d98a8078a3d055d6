import BackpropTraining

/// A training the explorer is making: how many updates were asked for and made, and whether the
/// accuracy is measured at the end.
public struct TrainingJob: Equatable, Sendable {
    /// The action that asked for it (what a session records when the job runs to its end).
    public var action: Action
    public var target: Int
    public var done = 0
    public var measure: Bool
    /// Updates made before the job began.
    public var startUpdates: Int
    /// Why it ended early (a divergence), for the status line.
    public var problem: String?
    /// The breakpoint that stopped it, if one did.
    public var breakpoint: LoopEvent.Breakpoint?
    /// Whether its final measurement was asked for.
    var measurementRequested = false
}
