/// The set of ops a graph may use, by name. A value, so a test can plant a faulty rule in a copy.
public struct RuleTable: Sendable {
    public var rules: [String: any OpRule.Type]

    public init(_ rules: [any OpRule.Type]) {
        self.rules = Dictionary(uniqueKeysWithValues: rules.map { ($0.name, $0) })
    }

    /// The ops of the book's example and a few more.
    public static let standard = RuleTable([MatMulOp.self, ReluOp.self, CrossEntropyOp.self, SqrOp.self,
                                            SumOp.self, AddOp.self, ScaleOp.self, TanhOp.self, SigmoidOp.self,
                                            MSEOp.self, OneHotOp.self, SumSqOp.self, AddReluOp.self])

    public subscript(name: String) -> (any OpRule.Type)? { rules[name] }

    /// Every op name, leaves included, sorted (for errors and completion).
    public var names: [String] { (Array(rules.keys) + LeafKind.allCases.map(\.rawValue)).sorted() }
}
