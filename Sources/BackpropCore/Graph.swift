
/// A computational graph: an ordered, single-assignment list of named nodes; the last node is the loss.
///
/// It prints one line per node and parses back from the same text (`Graph(parsing:)`).
public struct Graph: Hashable, Sendable, CustomStringConvertible {
    public private(set) var nodes: [Node]
    /// Evaluation order: node indices, inputs before the nodes that use them (stable in listing order).
    public private(set) var order: [Int]
    private var index: [String: Int]
    /// Each node's inputs as node indices, in order (resolved once, so no lookup can fail later).
    public private(set) var inputIndices: [[Int]]
    /// Each node's uses: the nodes that read it, in listing order, each once.
    public private(set) var uses: [[Int]]
    /// Names for quantities of back-propagation, from `@` lines (`Quantity`).
    public private(set) var quantities: [Quantity]

    /// Builds a graph from nodes already known to be well-formed (the parser checks text input).
    init(checked nodes: [Node], order: [Int], quantities: [Quantity] = []) {
        self.nodes = nodes
        self.order = order
        self.quantities = quantities
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.name, $0) })
        self.index = index
        let inputIndices = nodes.map { $0.inputs.compactMap { index[$0] } }
        self.inputIndices = inputIndices
        var uses = [[Int]](repeating: [], count: nodes.count)
        for (v, ins) in inputIndices.enumerated() { for u in Set(ins) { uses[u].append(v) } }
        self.uses = uses
    }

    public func id(_ name: String) -> Int? { index[name] }
    public subscript(name: String) -> Node? { index[name].map { nodes[$0] } }
    /// The loss: the last node listed.
    public var loss: Int { nodes.count - 1 }
    /// The graph as text, one node per line, then its annotations.
    public var description: String { (nodes.map(\.text) + quantities.map(\.text)).joined(separator: "\n") + "\n" }
    /// The same graph without its annotations (what training and checkpoints compare: names of
    /// quantities change no value).
    public var unannotated: Graph { var g = self; g.quantities = []; return g }
    /// Named constants used by `scale` and similar ops, in first-use order.
    public var constantNames: [String] {
        var seen = Set<String>(), out: [String] = []
        for n in nodes { for c in n.constants where seen.insert(c).inserted { out.append(c) } }
        return out
    }
    public func names(of kind: LeafKind) -> [String] { nodes.filter { $0.leaf == kind }.map(\.name) }
}
