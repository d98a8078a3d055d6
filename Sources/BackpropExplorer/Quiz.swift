/// Quiz mode (`:quiz on`): before a back-propagation step reveals its result, a question about it.
/// Part of the state, so answers are actions: recorded, replayed and verified with their score.
public struct Quiz: Equatable, Sendable {
    public var on = false
    /// The question waiting for an answer; the step it is about has not been taken yet.
    public var pending: QuizQuestion?
    public var right = 0
    public var asked = 0
    public init() {}

    /// `quiz 3/4`
    public var score: String { "quiz \(right)/\(asked)" }
}
