import BackpropCore

/// A breakpoint (`:break`) or a watch (`:watch`) the explorer keeps: a predicate read after every
/// training update's backward pass and at every step.
public struct Probe: Equatable, Sendable {
    public var predicate: TensorPredicate
    /// A breakpoint stops training and stepping where it holds; a watch only shows its value.
    public var stops: Bool
    /// What the user typed (a watch may be a statistic alone: `norm(grad_W1)`).
    public var text: String
}
