import Foundation

/// One entry of a value or of a gradient contribution written out with its numbers, from the op's
/// rule: `factor · (term + term + …)`, e.g. `Σ_r H[r,0]·grad_U2[r,0]` as `0.12·(−0.03) + …`.
public struct Expansion: Equatable, Sendable {
    /// The rule for this entry in the graph's names, e.g. `Σ_r H[r,0]·grad_U2[r,0]`.
    public var symbolic: String
    /// What is summed, each with its numbers and its value.
    public var terms: [Term]
    /// What the sum is multiplied by (`1/m` for a mean); nil for 1.
    public var factor: Term?

    /// One number or product of numbers, as text and as a value.
    public struct Term: Equatable, Sendable {
        public var text: String
        public var value: Double
        public init(_ text: String, _ value: Double) { self.text = text; self.value = value }
    }

    public init(_ symbolic: String, _ terms: [Term], factor: Term? = nil) {
        self.symbolic = symbolic; self.terms = terms; self.factor = factor
    }

    /// The entry recomputed from the terms, in their order (the check against the stored value).
    public var value: Double {
        var s = 0.0
        for t in terms { s += t.value }
        return factor.map { $0.value * s } ?? s
    }

    /// Σ|terms|·|factor|: the scale rounding differences between two orders of summation are measured against.
    public var magnitude: Double {
        var s = 0.0
        for t in terms { s += abs(t.value) }
        return abs(factor?.value ?? 1) * s
    }

    /// The numbers: `0.12·(−0.03) + … + 0.45·0.02`, the first `head` and last `tail` terms of a long sum.
    public func numbers(head: Int = 3, tail: Int = 2) -> String {
        var shown = terms.map(\.text)
        if shown.count > head + tail + 1 {
            let hidden = shown.count - head - tail
            shown = Array(shown.prefix(head)) + ["… (\(hidden) more)"] + Array(shown.suffix(tail))
        }
        let sum = shown.isEmpty ? "0" : shown.joined(separator: " + ").replacingOccurrences(of: "+ −", with: "− ")
        guard let f = factor else { return sum }
        return "\(f.text)·(\(sum))"
    }

    /// A number as the expansions write it: 4 significant digits, − for minus.
    public static func number(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Inf" : "−Inf" }
        let s = x == x.rounded() && abs(x) < 1e6 ? String(Int64(x)) : String(format: "%.4g", x)
        return s.replacingOccurrences(of: "-", with: "−")
    }

    /// A factor in a product: negative numbers in parentheses.
    public static func factor(_ x: Double) -> String { x < 0 || x.sign == .minus ? "(\(number(x)))" : number(x) }

    /// `a·b·…` with each factor written by `factor(_:)`.
    public static func product(_ xs: Double...) -> String { xs.map(factor).joined(separator: "·") }
}
