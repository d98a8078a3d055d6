/// Leaves: `X = input()` (data, no gradient) and `W = param()` (trained, gets ∇W J).
public enum LeafKind: String, Sendable, CaseIterable { case input, param }
