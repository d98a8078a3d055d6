/// A named quantity of back-propagation, declared in graph text by an annotation line:
///
///     @G = grad(U2)                  the gradient arriving at U2 (for a parameter: its whole gradient)
///     @HT_G = from(U2, W2) "Hᵀ G"    what U2's backward step sends to W2
///     @out = value(U2)               a node's value under another name
///
/// The first name is the ASCII one (typed at the REPL, written in traces); a quoted name after
/// the expression is the one shown (the book's `Hᵀ G`). The explorer shows quantities as inspector
/// tabs and uses a `grad` name for that gradient in formulas, so Figure 6.11's G, G' and Hᵀ G
/// come from its file (`Figure611.text`), not from the engine.
public struct Quantity: Hashable, Sendable, CustomStringConvertible {
    /// Where the quantity lives: a node's value, its gradient, or a contribution made by one step.
    public enum Source: Hashable, Sendable {
        case value(String), grad(String), contribution(step: String, to: String)
    }
    /// The name shown, e.g. `Hᵀ G`.
    public var rawValue: String
    /// The ASCII name, e.g. `HT_G`.
    public var asciiName: String
    public var source: Source

    public init(_ asciiName: String, shown: String? = nil, source: Source) {
        self.asciiName = asciiName; rawValue = shown ?? asciiName; self.source = source
    }

    public var description: String { rawValue }

    /// The annotation line that declares it.
    public var text: String {
        let expr: String
        switch source {
        case .value(let n): expr = "value(\(n))"
        case .grad(let n): expr = "grad(\(n))"
        case let .contribution(step, to): expr = "from(\(step), \(to))"
        }
        return "@\(asciiName) = \(expr)" + (rawValue == asciiName ? "" : " \"\(rawValue)\"")
    }

    /// Whether `name` names it: its shown or ASCII name, spaces ignored.
    public func isNamed(_ name: String) -> Bool {
        let key = name.filter { $0 != " " }
        return rawValue.filter { $0 != " " } == key || asciiName == key
    }

    /// The node whose layout the quantity has (a value's or a gradient's node, a contribution's target).
    public var node: String {
        switch source { case .value(let n), .grad(let n), .contribution(_, to: let n): n }
    }

    /// The quantity's value in `state`, or nil if it has not been computed yet. The gradient of a
    /// node with a backward step is what arrives there; of a leaf (a parameter), the whole
    /// gradient, once back-propagation has ended.
    public func value<T>(in state: EngineState<T>, engine: Engine<T>) -> Matrix<T>? {
        let g = engine.graph
        switch source {
        case .value(let n): return g.id(n).flatMap { state.values[$0] }
        case .grad(let n):
            guard let id = g.id(n) else { return nil }
            if g.nodes[id].leaf == nil { return state.steps.first { $0.node == id }?.incoming }
            return state.position >= engine.stepCount ? state.grads[id] : nil
        case let .contribution(step, to):
            guard let s = g.id(step), let t = g.id(to) else { return nil }
            return state.steps.first { $0.node == s }?.contributions.first { $0.input == t }?.value
        }
    }
}

extension Graph {
    /// The quantity `name` names (shown or ASCII name), if the graph declares one.
    public func quantity(named name: String) -> Quantity? { quantities.first { $0.isNamed(name) } }

    /// The name a `grad` annotation gives the gradient of node `name` (G for U2 in Figure 6.11), if any.
    public func gradientAlias(_ name: String) -> String? {
        quantities.first { $0.source == .grad(name) && self[name]?.leaf == nil }?.rawValue
    }
}
