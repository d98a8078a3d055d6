import BackpropCore

/// What `:set NAME VALUE` can change.
public enum Setting: String, CaseIterable, Sendable, Codable {
    case lr, lambda, batch, hidden, seed

    /// Whether changing it starts the model again (new weight shapes or a new seed).
    var resetsModel: Bool { self == .hidden || self == .seed }

    /// Checks a value, returning the error text for the status line.
    func validate(_ v: Double, examples: Int) -> String? {
        switch self {
        case .lr, .lambda: return v >= 0 && v.isFinite ? nil : "\(rawValue) must be a finite number ≥ 0"
        case .batch:
            let whole = v == v.rounded() && v >= 1 && v <= Double(examples)
            return whole ? nil : "batch must be a whole number from 1 to \(examples)"
        case .hidden:
            let r = Limits.hidden
            return v == v.rounded() && v >= Double(r.lowerBound) && v <= Double(r.upperBound) ? nil
                : "hidden must be a whole number from \(r.lowerBound) to \(r.upperBound)"
        case .seed: return v == v.rounded() && v >= 0 && v < 9e15 ? nil : "seed must be a whole number ≥ 0"
        }
    }
}
