import BackpropCore

/// Where each node of a graph sits: a column (left to right, inputs before uses) and a row.
public struct GraphLayout: Equatable, Sendable {
    /// (column, row) by node index.
    public var places: [(col: Int, row: Int)]
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

    /// A generic layered layout: column = longest path from a leaf, rows in listing order within a column.
    public static func layered(_ g: Graph) -> GraphLayout {
        var depth = [Int](repeating: 0, count: g.nodes.count)
        for v in g.order {
            depth[v] = g.nodes[v].inputs.compactMap { g.id($0) }.map { depth[$0] + 1 }.max() ?? 0
        }
        var used = [Int: Int]()
        var places: [(col: Int, row: Int)] = []
        for v in g.nodes.indices {
            let r = used[depth[v], default: 0]
            used[depth[v]] = r + 1
            places.append((depth[v], r))
        }
        return GraphLayout(places: places)
    }

    /// Figure 6.11's own arrangement for the book's graph, the layered one for any other.
    public static func of(_ g: Graph) -> GraphLayout { g == Figure611.graph ? figure611 : layered(g) }
}
