import BackpropCore

/// Where each node of a graph sits: a column (left to right, inputs before uses) and a row.
public struct GraphLayout: Equatable, Sendable {
    /// (column, row) by node index.
    public var places: [(col: Int, row: Int)]
    /// Whether the inputs of all nodes in a column meet in one channel (Figure 6.11's hand layout,
    /// chosen so that reads unambiguously), or each node gets its own (any other graph).
    public var sharedChannels = true
    public var columns: Int { (places.map(\.col).max() ?? -1) + 1 }
    public var rows: Int { (places.map(\.row).max() ?? -1) + 1 }

    public static func == (a: GraphLayout, b: GraphLayout) -> Bool {
        a.places.count == b.places.count && zip(a.places, b.places).allSatisfy { $0 == $1 }
    }

    /// The book's arrangement of Figure 6.11: the main path along one row, the labels y above it,
    /// the weight-decay branch below, meeting at J on the right. Chosen so no edge crosses a node.
    public static let figure611: GraphLayout = {
        let at: [String: (Int, Int)] = [
            "y": (3, 0),
            "X": (0, 1), "U1": (1, 1), "H": (2, 1), "U2": (3, 1), "J_MLE": (4, 1), "J": (7, 1),
            "W1": (0, 2), "W2": (2, 2), "U5": (3, 2), "u6": (4, 2),
            "U3": (1, 3), "u4": (2, 3),
            "u7": (5, 4), "u8": (6, 4),
        ]
        return GraphLayout(places: Figure611.graph.nodes.map { at[$0.name]! })
    }()

    /// A generic layered layout: column = longest path from a leaf. Rows are given column by column,
    /// each node as near the mean row of its inputs as order allows, never on a row that an edge
    /// from an earlier column runs along (edges are drawn along their source's row).
    public static func layered(_ g: Graph) -> GraphLayout {
        let n = g.nodes.count
        var depth = [Int](repeating: 0, count: n)
        for v in g.order {
            depth[v] = g.nodes[v].inputs.compactMap { g.id($0) }.map { depth[$0] + 1 }.max() ?? 0
        }
        let columns = (depth.max() ?? 0) + 1
        let inputs = g.inputIndices, uses = g.uses
        var row = Array(0..<n)
        var leafOrder = (0..<n).filter { depth[$0] == 0 }
        for pass in 0..<2 {
            if pass > 0 {   // leaves ordered by where their uses ended up
                func mean(_ v: Int) -> Double {
                    uses[v].isEmpty ? 1e9 : Double(uses[v].map { row[$0] }.reduce(0, +)) / Double(uses[v].count)
                }
                leafOrder.sort { (mean($0), $0) < (mean($1), $1) }
            }
            for (i, v) in leafOrder.enumerated() { row[v] = i }
            for c in 1..<max(columns, 1) {
                let blocked = Set((0..<n).filter { depth[$0] < c }
                    .flatMap { u in uses[u].filter { depth[$0] > c }.map { _ in row[u] } })
                func want(_ v: Int) -> Double {
                    Double(inputs[v].map { row[$0] }.reduce(0, +)) / Double(max(1, inputs[v].count))
                }
                var last = -1
                for v in (0..<n).filter({ depth[$0] == c }).sorted(by: { (want($0), $0) < (want($1), $1) }) {
                    var r = max(last + 1, Int(want(v).rounded()))
                    while blocked.contains(r) { r += 1 }
                    row[v] = r; last = r
                }
            }
        }
        var layout = GraphLayout(places: (0..<n).map { (depth[$0], row[$0]) })
        layout.sharedChannels = false
        return layout
    }

    /// Figure 6.11's own arrangement for the book's graph, the layered one for any other.
    public static func of(_ g: Graph) -> GraphLayout { g == Figure611.graph ? figure611 : layered(g) }
}
