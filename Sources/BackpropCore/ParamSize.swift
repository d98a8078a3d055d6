/// One size of a parameter as graph text writes it: a whole number, or a size of the run.
public enum ParamSize: Hashable, Sendable {
    case fixed(Int)
    /// Input features.
    case d
    /// Classes.
    case k
    /// Hidden units (`--hidden`).
    case h

    /// The largest whole-number size (larger would not fit in memory anyway).
    public static let limit = 1 << 20

    public init?(_ text: String) {
        switch text {
        case "d": self = .d
        case "k": self = .k
        case "h": self = .h
        default:
            guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(text), (1...Self.limit).contains(n)
            else { return nil }
            self = .fixed(n)
        }
    }

    /// The size for a run with d features, k classes and h hidden units.
    public func value(d: Int, k: Int, h: Int) -> Int {
        switch self { case .fixed(let n): n; case .d: d; case .k: k; case .h: h }
    }

    /// `param()` without sizes: W1 is d×h and W2 is h×k, as in Figure 6.11.
    public static let defaults: [String: [ParamSize]] = ["W1": [.d, .h], "W2": [.h, .k]]
}

/// `W1 3×8, b1 1×8`: parameters with their shapes, for summaries and errors.
public func listing(_ parameters: [(name: String, shape: Shape)]) -> String {
    parameters.map { "\($0.name) \($0.shape.rows)×\($0.shape.cols)" }.joined(separator: ", ")
}

extension Graph {
    /// Each parameter's shape for a run with d features, k classes and h hidden units, in graph order.
    public func parameterShapes(d: Int, k: Int, h: Int) -> [(name: String, shape: Shape)] {
        nodes.filter { $0.leaf == .param }.map { n in
            let sizes = n.sizes.isEmpty ? ParamSize.defaults[n.name]! : n.sizes.map { ParamSize($0)! }
            return (n.name, Shape(sizes[0].value(d: d, k: k, h: h), sizes[1].value(d: d, k: k, h: h)))
        }
    }

    /// The leaves' shapes for a minibatch of m rows: X m×d, y m×1 and every parameter's.
    public func leafShapes(m: Int, d: Int, k: Int, h: Int) -> [String: Shape] {
        var s = ["X": Shape(m, d), "y": Shape(m, 1)]
        for p in parameterShapes(d: d, k: k, h: h) { s[p.name] = p.shape }
        return s
    }
}
