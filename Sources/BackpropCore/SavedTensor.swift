/// What a rule keeps from the forward pass for its backward rule (for the memory figure).
public enum SavedTensor: Sendable, Equatable { case input(Int), output }
