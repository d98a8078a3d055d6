import BackpropCore

/// What the inspector shows for the current state: the rule with shapes, then panels.
public struct Inspection: Sendable {
    public var lines: [String]
    public var panels: [Panel]
}
