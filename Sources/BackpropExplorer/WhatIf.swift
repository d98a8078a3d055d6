import BackpropCore

/// What-if edits (`:edit NAME[i,j] = V`) to the minibatch being stepped: the leaves and λ as first
/// stepped, the edited ones, what `:undo` restores, and what the edits changed.
public struct WhatIf: Equatable, Sendable {
    /// One edit: its text and the values it replaced (for `:undo`).
    struct Entry: Equatable, Sendable {
        var text: String
        var bindings: [String: Matrix<Double>]
        var lambda: Double
    }
    /// The leaves and λ before the first edit.
    var original: [String: Matrix<Double>]
    var originalLambda: Double
    /// The leaves and λ now.
    var bindings: [String: Matrix<Double>]
    var lambda: Double
    var entries: [Entry]
    /// J now minus J before the first edit, both computed in full.
    public var deltaJ: Double
    /// ⟨∇J, Δ⟩ over the edited leaves (and ∂J/∂λ·Δλ), from the gradients before the first edit;
    /// nil when an edit has no gradient (y, or X which no gradient reaches).
    public var predicted: Double?
    /// ‖value now − value before‖ of each node (nil where unchanged).
    public var deltas: [Double?]
    /// Relu units whose gate (input > 0) flipped, by relu node.
    public var flipped: [Int: Int]
}
