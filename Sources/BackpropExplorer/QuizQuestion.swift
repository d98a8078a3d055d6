import Foundation
import BackpropCore

/// One question about the step about to be taken, with its one right answer.
public struct QuizQuestion: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable { case shape, sign, mask, value, rule }

    /// The right answer.
    public enum Answer: Equatable, Sendable {
        case shape(rows: Int, cols: Int)
        /// −1, 0 or +1.
        case sign(Int)
        /// The columns of one row that the relu mask zeroes, ascending.
        case mask([Int])
        case value(Double)
        /// A 0-based index into `choices`.
        case choice(Int)
    }

    public var kind: Kind
    /// The question, e.g. `shape of what U2 = matmul(H, W2) adds to ∇W2 J? (rows×cols)`.
    public var text: String
    /// The options of a `rule` question, shown numbered from 1.
    public var choices: [String]
    public var answer: Answer

    public init(kind: Kind, text: String, choices: [String] = [], answer: Answer) {
        self.kind = kind; self.text = text; self.choices = choices; self.answer = answer
    }

    /// The right answer as the screen shows it: `8×3`, `−`, `columns 0, 2`, `−0.012`, `2) Hᵀ G`.
    public var answerText: String {
        switch answer {
        case let .shape(r, c): "\(r)×\(c)"
        case .sign(let s): s > 0 ? "+" : s < 0 ? "−" : "0"
        case .mask(let cols): cols.isEmpty ? "none" : "columns " + cols.map(String.init).joined(separator: ", ")
        case .value(let v): Self.twoDigits(v)
        case .choice(let i): "\(i + 1)) \(choices[i])"
        }
    }

    /// `v` rounded to 2 significant digits.
    static func rounded2(_ v: Double) -> Double {
        guard v != 0, v.isFinite else { return v }
        let unit = pow(10, (log10(abs(v))).rounded(.down) - 1)
        return (v / unit).rounded() * unit
    }

    /// `v` rounded to 2 significant digits, as typed.
    static func twoDigits(_ v: Double) -> String {
        guard v != 0, v.isFinite else { return Expansion.number(v) }
        let r = rounded2(v), e = Int((log10(abs(r))).rounded(.down))
        let decimals = max(0, 1 - e)
        var s = decimals == 0 ? String(Int64(r)) : fixed(r, decimals)
        if s.hasPrefix("-") { s = "−" + s.dropFirst() }
        return s
    }

    /// `x` with `decimals` digits after the point (no Foundation in the reducer's path).
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        let scale = pow(10, Double(decimals))
        let n = Int64((abs(x) * scale).rounded())
        var digits = String(n)
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -decimals)
        return (x < 0 ? "-" : "") + digits[..<point] + "." + digits[point...]
    }

    /// Whether `typed` is the right answer. Shapes take `8x3`, `8×3` or `8 3`; signs `+`, `-`, `0`
    /// or words; masks column numbers or `none`; values that round to the
    /// same 2 significant digits; rules the option's number.
    public func judge(_ typed: String) -> Bool {
        func normal(_ s: String) -> String {
            s.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "−", with: "-")
        }
        let t = normal(typed)
        if t == normal(answerText) { return true }   // the answer as the screen writes it
        switch answer {
        case let .shape(r, c): return Self.numbers(t, separators: "x×*, ") == [r, c]
        case .sign(let s):
            let words: [Int: Set<String>] = [1: ["+", "plus", "positive", "pos"], -1: ["-", "minus", "negative", "neg"],
                                             0: ["0", "zero"]]
            return words[s]!.contains(t)
        case .mask(let cols):
            if ["none", "-", "no"].contains(t) { return cols.isEmpty }
            guard let n = Self.numbers(t, separators: ", ") else { return false }
            return Set(n) == Set(cols) && n.count == Set(n).count
        case .value(let v):
            guard let x = Double(t), x.isFinite else { return false }
            let (a, b) = (Self.rounded2(x), Self.rounded2(v))
            return abs(a - b) <= 1e-9 * max(abs(a), abs(b))
        case .choice(let i):
            if let n = Int(t) { return n == i + 1 }
            return t == choices[i].lowercased() || t == "\(i + 1))"
        }
    }

    /// Whole numbers split at any of `separators`; nil if any piece is not one.
    static func numbers(_ t: String, separators: String) -> [Int]? {
        let pieces = t.split(whereSeparator: { separators.contains($0) }).map(String.init)
        guard !pieces.isEmpty else { return nil }
        let n = pieces.compactMap { Int($0) }
        return n.count == pieces.count ? n : nil
    }
}
