/// What the shell around the reducer adds to the screen: recording and replay indicators.
public struct Chrome: Equatable, Sendable {
    /// The session file being recorded to, if any.
    public var recording: String?
    /// Replay position and speed, e.g. `replay 12/80 ×2 paused`.
    public var replay: String?
    public init(recording: String? = nil, replay: String? = nil) { self.recording = recording; self.replay = replay }
}
