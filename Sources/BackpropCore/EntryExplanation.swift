/// One entry of a node's value or gradient with the rules and numbers that made it: one part per
/// rule that contributed (a gradient with fan-in has several, in the order the engine added them).
public struct EntryExplanation: Equatable, Sendable {
    /// What is explained, e.g. `grad_W2[0,1]`.
    public var target: String
    public var parts: [Part]
    /// The value the engine holds for the entry.
    public var stored: Double
    /// ε of the precision `stored` was computed in (float64's unless stepped in float32).
    public var unitRoundoff = Double.ulpOfOne

    /// What one rule contributed: the graph line of the node whose rule it is, and its expansion.
    public struct Part: Equatable, Sendable {
        public var source: String
        public var expansion: Expansion
        public init(source: String, expansion: Expansion) { self.source = source; self.expansion = expansion }
    }

    public init(target: String, parts: [Part], stored: Double) {
        self.target = target; self.parts = parts; self.stored = stored
    }

    /// The entry recomputed from the numbers shown: each part's sum, added in the engine's order.
    public var value: Double {
        var s = 0.0
        for p in parts { s += p.expansion.value }
        return s
    }

    /// How far the recomputation may differ from the stored value by the order of summation alone
    /// (the engine's kernels add in blocks): n·ε·Σ|terms| for n numbers added, ε of the precision
    /// the stored value was computed in.
    public var roundingBound: Double {
        let n = parts.reduce(0) { $0 + $1.expansion.terms.count } + parts.count
        let scale = parts.reduce(0) { $0 + $1.expansion.magnitude }
        return Double(max(n, 2)) * unitRoundoff * scale + Double.leastNormalMagnitude
    }

    /// Whether the numbers shown add up to the stored value (to rounding; NaN agrees with NaN).
    public var agrees: Bool {
        if stored.isNaN || value.isNaN { return stored.isNaN && value.isNaN }
        if stored.isInfinite || value.isInfinite { return stored == value }
        return abs(value - stored) <= roundingBound
    }

    /// The whole expansion on one line:
    /// `grad_W2[0,0] = Σ_r H[r,0]·grad_U2[r,0] + 2·W2[0,0]·grad_U5[0,0] = 0.12·(−0.03) + … + 2·0.31·0.001 = −0.0123`.
    public var line: String {
        let symbolic = parts.map(\.expansion.symbolic).joined(separator: " + ")
        let numbers = parts.map { parts.count > 1 ? "(\($0.expansion.numbers()))" : $0.expansion.numbers() }
            .joined(separator: " + ")
        let result = Expansion.number(value)
        if symbolic == numbers || numbers == result { return "\(target) = \(symbolic) = \(result)" }
        return "\(target) = \(symbolic) = \(numbers) = \(result)"
    }
}
