/// What the shell around the reducer adds to the screen: recording and replay indicators, and the
/// rate of a training under way (the shell has the clock; the state has none).
public struct Chrome: Equatable, Sendable {
    /// The session file being recorded to, if any.
    public var recording: String?
    /// Replay position and speed, e.g. `replay 12/80 ×2 paused`.
    public var replay: String?
    /// Examples trained per second by the training under way, once measured.
    public var samplesPerSecond: Double?
    /// Keys typed during the training, to be applied when it ends.
    public var keysWaiting: Int
    public init(recording: String? = nil, replay: String? = nil, samplesPerSecond: Double? = nil,
                keysWaiting: Int = 0) {
        self.recording = recording; self.replay = replay; self.samplesPerSecond = samplesPerSecond
        self.keysWaiting = keysWaiting
    }
}
