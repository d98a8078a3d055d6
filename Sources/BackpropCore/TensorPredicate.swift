import Foundation

/// A condition on one update's tensors, shared by `--break-on` and the TUI's `:break`/`:watch`:
/// `nonfinite` (any NaN or ±Inf, forward or backward), `STAT(NAME) CMP NUMBER` or, for a 1×1
/// node, `NAME CMP NUMBER`. NAME is a node or `grad_NODE` (∂J/∂NODE).
public struct TensorPredicate: Equatable, Sendable, CustomStringConvertible {
    /// A statistic of a tensor (`TensorHealth`).
    public enum Stat: String, CaseIterable, Sendable { case norm, min, max, mean, absmax, dead }
    public enum Comparison: String, CaseIterable, Sendable {
        case greaterOrEqual = ">=", lessOrEqual = "<=", greater = ">", less = "<"
        /// Whether `a CMP b`.
        public func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .greater: a > b
            case .greaterOrEqual: a >= b
            case .less: a < b
            case .lessOrEqual: a <= b
            }
        }
    }
    /// A node's value or its gradient.
    public struct Target: Equatable, Sendable {
        public var node: Int
        public var gradient: Bool
        public var name: String
    }
    public enum Kind: Equatable, Sendable {
        case nonfinite
        /// `stat` nil: the 1×1 node's value itself.
        case compare(stat: Stat?, target: Target, comparison: Comparison, threshold: Double)
    }

    public var kind: Kind
    /// The text as the user wrote it, trimmed: what a breakpoint line prints.
    public var text: String
    public var description: String { text }

    /// Parses `text` against `graph`; `shapes` (every node's, if known) lets a bare NAME be checked to be 1×1.
    public init(_ text: String, graph: Graph, shapes: [Shape]? = nil) throws(TensorPredicateError) {
        let t = text.trimmingCharacters(in: .whitespaces)
        self.text = t
        if t == "nonfinite" { kind = .nonfinite; return }
        guard let op = Comparison.allCases.compactMap({ c in t.range(of: c.rawValue).map { (c, $0) } })
            .min(by: { $0.1.lowerBound < $1.1.lowerBound }) else {
            throw .syntax(text: t, message: t.isEmpty ? "empty" : "no comparison")
        }
        // `>=` before `>` at the same place: the longer one is the operator.
        let (cmp, range) = Comparison.allCases.compactMap { c -> (Comparison, Range<String.Index>)? in
            t.range(of: c.rawValue).flatMap { $0.lowerBound == op.1.lowerBound ? (c, $0) : nil }
        }.max { $0.1.upperBound < $1.1.upperBound }!
        let lhs = t[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        let rhs = t[range.upperBound...].trimmingCharacters(in: .whitespaces)
        guard let threshold = Double(rhs), !rhs.isEmpty else {
            throw .syntax(text: t, message: rhs.isEmpty ? "no number after \(cmp.rawValue)"
                          : "'\(inert(rhs, limit: 30))' is not a number")
        }
        var stat: Stat? = nil, name = lhs
        if let open = lhs.firstIndex(of: "(") {
            guard lhs.hasSuffix(")") else { throw .syntax(text: t, message: "unclosed '('") }
            let s = String(lhs[..<open]).trimmingCharacters(in: .whitespaces)
            guard let st = Stat(rawValue: s) else {
                throw .syntax(text: t, message: "unknown statistic '\(inert(s, limit: 30))'")
            }
            stat = st
            name = lhs[lhs.index(after: open)..<lhs.index(before: lhs.endIndex)].trimmingCharacters(in: .whitespaces)
        }
        guard !name.isEmpty, !name.contains(where: { " ()<>=".contains($0) }) else {
            throw .syntax(text: t, message: name.isEmpty ? "no name" : "'\(inert(name, limit: 30))' is not a name")
        }
        let target = try Self.target(name, graph: graph, text: t)
        if stat == .dead && (target.gradient || graph.nodes[target.node].op != ReluOp.name) {
            throw .notRelu(text: t, name: name)
        }
        if stat == nil, let shapes, target.node < shapes.count, !shapes[target.node].isScalar {
            throw .notScalar(text: t, name: name, shape: shapes[target.node])
        }
        kind = .compare(stat: stat, target: target, comparison: cmp, threshold: threshold)
    }

    /// A node, `grad_NODE`, or a name an annotation gives a node's value or gradient.
    static func target(_ name: String, graph: Graph, text: String) throws(TensorPredicateError) -> Target {
        if let id = graph.id(name) { return Target(node: id, gradient: false, name: name) }
        if name.hasPrefix("grad_"), let id = graph.id(String(name.dropFirst(5))) {
            return Target(node: id, gradient: true, name: name)
        }
        if let q = graph.quantity(named: name), let id = graph.id(q.node) {
            switch q.source {
            case .value: return Target(node: id, gradient: false, name: name)
            case .grad: return Target(node: id, gradient: true, name: name)
            case .contribution: break
            }
        }
        throw .unknownName(text: text, name: name)
    }

    /// The same predicate on another graph with the same node names (e.g. the one training runs,
    /// with sums of squares fused); nil if its node is not there.
    public func rebound(from old: Graph, to new: Graph) -> TensorPredicate? {
        guard case .compare(let stat, var target, let cmp, let threshold) = kind else { return self }
        guard let id = new.id(old.nodes[target.node].name) else { return nil }
        target.node = id
        var p = self
        p.kind = .compare(stat: stat, target: target, comparison: cmp, threshold: threshold)
        return p
    }

    /// What the predicate reads from one update's values and gradients (by node), and whether it holds.
    /// `finite`, `finiteGrads`: nodes whose values, and gradients, `nonfinite` need not read, being
    /// finite when the others are (`Graph.impliedFinite`, `Graph.impliedFiniteGradients`) or by
    /// where they come from.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func reading<T: Real>(values: [Matrix<T>?], grads: [Matrix<T>?], finite: Set<Int> = [],
                                 finiteGrads: Set<Int> = []) -> Reading {
        switch kind {
        case .nonfinite:
            let read = values.indices.compactMap { finite.contains($0) ? nil : values[$0] }
                + grads.indices.compactMap { finiteGrads.contains($0) ? nil : grads[$0] }
            let bad = read.contains { !$0.isFinite }
            return Reading(holds: bad, value: nil)
        case let .compare(stat, target, cmp, threshold):
            guard let m = (target.gradient ? grads : values)[target.node] else {
                return Reading(holds: false, value: nil)
            }
            let v: Double?
            // Only the statistic asked for, each in one pass: a probe is read after every update.
            switch stat {
            case .norm?: v = TensorHealth.sumOfSquares(m).squareRoot()
            case .mean?: v = m.count > 0 ? TensorHealth.sum(m) / Double(m.count) : nil
            case .min?: v = TensorHealth.range(m)?.min
            case .max?: v = TensorHealth.range(m)?.max
            case .absmax?: v = TensorHealth.range(m).map { Swift.max(-$0.min, $0.max) }
            case .dead?: v = TensorHealth(m, relu: true).dead
            case nil: v = m.count == 1 ? Double(m.scalar) : nil
            }
            guard let v else { return Reading(holds: false, value: nil) }
            return Reading(holds: cmp.holds(v, threshold), value: v)
        }
    }

    /// A predicate's reading of one update: whether it holds, and the number it compared.
    public struct Reading: Equatable, Sendable {
        public var holds: Bool
        public var value: Double?
        public init(holds: Bool, value: Double?) { self.holds = holds; self.value = value }
    }
}
