import BackpropCore
import Foundation

/// Draws a graph as boxes-and-arrows text: each node is `name shape` with a second line for its op or,
/// once back-propagation has reached it, the norm of its gradient. Edges are routed through a channel
/// column just left of each target and joined with box-drawing characters (ASCII outside UTF-8).
public struct GraphDiagram {
    public var graph: Graph
    public var layout: GraphLayout
    public var shapes: [Shape?]
    public var values: [Bool]
    public var gradNorms: [Double?]
    /// The node of the step just taken, and whether it was a backward step.
    public var current: Int?
    public var backward: Bool
    /// Inputs that received a gradient in the current backward step (their edges carry it).
    public var gradientEdges: Set<Int>
    /// A health pill for nodes whose value or gradient holds a NaN or ±Inf (`✗ NaN`, `✗∇ Inf`),
    /// shown in place of the op or norm; nil for healthy nodes.
    public var faults: [String?] = []
    /// What-if: `Δ 0.012` (and `⇄3` relu gates flipped) under each node an edit changed.
    public var deltas: [String?] = []

    /// Levels of detail, tried in order until one fits: ops or gradient norms under each node, gradient
    /// norms only, the same with narrower gaps, one line per node, names only.
    struct Detail {
        enum Second { case opsOrNorms, norms, none }
        var second: Second
        var shapes: Bool
        var gap: Int
        static let all: [Detail] = [
            Detail(second: .opsOrNorms, shapes: true, gap: 3), Detail(second: .norms, shapes: true, gap: 3),
            Detail(second: .norms, shapes: true, gap: 2), Detail(second: .none, shapes: true, gap: 2),
            Detail(second: .none, shapes: false, gap: 2),
        ]
        var rowHeight: Int { second == .none ? 1 : 2 }
    }

    /// `0.12`, `1.2e-05`: a gradient norm in at most 7 characters.
    static func norm(_ x: Double) -> String { String(format: "%.2g", x) }

    func label(_ v: Int, _ d: Detail) -> (String, String?) {
        let n = graph.nodes[v]
        let first = d.shapes ? n.name + (shapes[v].map { " \($0)" } ?? "") : n.name
        if v < faults.count, let f = faults[v] { return d.second == .none ? (first + " ✗", nil) : (first, f) }
        if v < deltas.count, let δ = deltas[v], d.second != .none { return (first, δ) }
        switch d.second {
        case .none: return (first, nil)
        case .norms: return (first, gradNorms[v].map(Self.norm) ?? "")
        case .opsOrNorms: return (first, gradNorms[v].map { "∇ " + Self.norm($0) } ?? (n.leaf?.rawValue ?? n.op))
        }
    }

    /// Nodes with inputs in each column, top to bottom: each gets its own channel unless shared.
    var targets: [[Int]] {
        (0..<layout.columns).map { c in
            graph.nodes.indices.filter { layout.places[$0].col == c && !graph.nodes[$0].inputs.isEmpty }.sorted {
                layout.places[$0].row < layout.places[$1].row
            }
        }
    }

    /// The channel column of node v's inputs, relative to its column's x (−2 is just left of the arrow).
    func channel(_ v: Int) -> Int {
        guard !layout.sharedChannels else { return -2 }
        let t = targets[layout.places[v].col]
        return -2 - (t.count - 1 - (t.firstIndex(of: v) ?? 0))   // the top node's channel is leftmost
    }

    /// Width and height needed at a level of detail.
    func size(_ d: Detail) -> (width: Int, height: Int, colX: [Int], rowY: [Int]) {
        var colW = [Int](repeating: 1, count: layout.columns)
        for v in graph.nodes.indices {
            let (a, b) = label(v, d)
            colW[layout.places[v].col] = max(colW[layout.places[v].col], a.count, b?.count ?? 0)
        }
        let extra = layout.sharedChannels ? [Int](repeating: 0, count: layout.columns) : targets.map {
            max(0, $0.count - 1)
        }
        var colX: [Int] = [], x = 0
        for (c, w) in colW.enumerated() { x += c > 0 ? extra[c] : 0; colX.append(x); x += w + d.gap }
        let rowY = (0..<layout.rows).map { $0 * d.rowHeight }
        return (x - d.gap, layout.rows * d.rowHeight, colX, rowY)
    }

    /// The most detailed level that fits (0 is the most detailed), or nil.
    public func detail(fitting width: Int, _ height: Int) -> Int? {
        Detail.all.firstIndex { let s = size($0); return s.width <= width && s.height <= height }
    }

    /// The height drawn at a level of detail.
    public func height(detail: Int) -> Int { size(Detail.all[detail]).height }

    /// The most detailed level whose height fits, however wide (a graph too wide for the screen is
    /// drawn at it and panned), else the least detailed.
    public func detail(fittingHeight height: Int) -> Int {
        Detail.all.firstIndex { size($0).height <= height } ?? Detail.all.count - 1
    }

    /// The columns and rows to leave out (left, top) so that a `width`×`height` window shows the node
    /// of the step just taken, centred where the diagram allows, else its top left corner.
    public func pan(detail: Int, width: Int, height: Int) -> (x: Int, y: Int) {
        let d = Detail.all[detail], s = size(d)
        guard let v = current else { return (0, 0) }
        let x = s.colX[layout.places[v].col] + label(v, d).0.count / 2 - width / 2
        let y = s.rowY[layout.places[v].row] - height / 2
        return (min(max(0, x), max(0, s.width - width)), min(max(0, y), max(0, s.height - height)))
    }

    /// Draws a graph larger than `rect` at level `detail`, showing it from column `pan.x` and row
    /// `pan.y` on, with `◀ ▶ ▲ ▼` (`< > ^ v` in ASCII) at an edge where more of it lies beyond.
    public func drawPanned(into grid: inout CellGrid, rect: Rect, detail: Int, pan: (x: Int, y: Int),
                           options: RenderOptions) {
        let s = size(Detail.all[detail])
        var full = CellGrid(width: s.width, height: s.height)
        draw(into: &full, rect: Rect(x: 0, y: 0, width: s.width, height: s.height), options: options, detail: detail)
        for y in 0..<min(rect.height, s.height - pan.y) {
            for x in 0..<min(rect.width, s.width - pan.x) { grid[rect.x + x, rect.y + y] = full[pan.x + x, pan.y + y] }
        }
        let u = options.unicode, midY = rect.y + rect.height / 2, midX = rect.x + rect.width / 2
        if pan.x > 0 { grid.put(rect.x, midY, u ? "◀" : "<", .heading) }
        if pan.x + rect.width < s.width { grid.put(rect.x + rect.width - 1, midY, u ? "▶" : ">", .heading) }
        if pan.y > 0 { grid.put(midX, rect.y, u ? "▲" : "^", .heading) }
        if pan.y + rect.height < s.height { grid.put(midX, rect.y + rect.height - 1, u ? "▼" : "v", .heading) }
    }

    /// Draws into `rect` at the most detailed level that fits (or at `detail`); returns false
    /// (drawing nothing) when even the names-only level does not fit.
    @discardableResult
    public func draw(into grid: inout CellGrid, rect: Rect, options: RenderOptions, detail level: Int? = nil) -> Bool {
        guard let i = level ?? detail(fitting: rect.width, rect.height) else { return false }
        let d = Detail.all[i]
        let (_, _, colX, rowY) = size(d)
        let ox = rect.x, oy = rect.y
        // Edges as connection bits per cell, then glyphs.
        struct Bits: OptionSet {
            let rawValue: UInt8
            static let up = Bits(rawValue: 1), down = Bits(rawValue: 2)
            static let left = Bits(rawValue: 4), right = Bits(rawValue: 8)
        }
        var bits: [Int: Bits] = [:]
        var edgeCells: [(from: Int, to: Int, cells: [Int])] = []
        var arrows: [(Int, Int, Int)] = []   // x, y, target
        func key(_ x: Int, _ y: Int) -> Int { y * 10_000 + x }
        for (v, n) in graph.nodes.enumerated() {
            let tp = layout.places[v]
            for input in n.inputs {
                guard let u = graph.id(input) else { continue }
                let sp = layout.places[u]
                guard sp.col < tp.col else { continue }
                var cells: [Int] = []
                let y0 = rowY[sp.row], y1 = rowY[tp.row]
                let startX = colX[sp.col] + label(u, d).0.count
                let ch = colX[tp.col] + channel(v)   // the channel; the arrow sits in the last gap column
                for x in startX..<ch {
                    bits[key(x, y0), default: []].formUnion([.left, .right])
                    cells.append(key(x, y0))
                }
                bits[key(ch, y0), default: []].insert(.left)
                if y1 != y0 {
                    bits[key(ch, y0), default: []].insert(y1 > y0 ? .down : .up)
                    let lo = min(y0, y1), hi = max(y0, y1)
                    for y in (lo + 1)..<hi {
                        bits[key(ch, y), default: []].formUnion([.up, .down])
                        cells.append(key(ch, y))
                    }
                    bits[key(ch, y1), default: []].insert(y1 > y0 ? .up : .down)
                }
                bits[key(ch, y1), default: []].insert(.right)
                cells.append(key(ch, y0)); cells.append(key(ch, y1))
                for x in (ch + 1)..<(colX[tp.col] - 1) {
                    bits[key(x, y1), default: []].formUnion([.left, .right])
                    cells.append(key(x, y1))
                }
                arrows.append((colX[tp.col] - 1, y1, v))
                cells.append(key(colX[tp.col] - 1, y1))
                edgeCells.append((u, v, cells))
            }
        }
        func glyph(_ b: Bits) -> Character {
            let h = b.contains(.left) || b.contains(.right), vert = b.contains(.up) || b.contains(.down)
            guard options.unicode else { return h && vert ? "+" : (vert ? "|" : "-") }
            switch (b.contains(.up), b.contains(.down), b.contains(.left), b.contains(.right)) {
            case (true, true, true, true): return "┼"
            case (true, true, false, true): return "├"
            case (true, true, true, false): return "┤"
            case (false, true, true, true): return "┬"
            case (true, false, true, true): return "┴"
            case (false, true, false, true): return "┌"
            case (false, true, true, false): return "┐"
            case (true, false, false, true): return "└"
            case (true, false, true, false): return "┘"
            case (true, true, false, false), (true, false, false, false), (false, true, false, false): return "│"
            default: return "─"
            }
        }
        for (k, b) in bits { grid.put(ox + k % 10_000, oy + k / 10_000, String(glyph(b)), .faint) }
        for (x, y, _) in arrows { grid.put(ox + x, oy + y, options.unicode ? "▶" : ">", .faint) }
        // The edges the current step works along.
        if let c = current {
            for e in edgeCells where e.to == c && (!backward || gradientEdges.contains(e.from)) {
                let style = backward ? Style.gradient : Style.highlight
                for k in e.cells { grid.restyle(ox + k % 10_000, oy + k / 10_000, count: 1) { $0 = style } }
            }
        }
        // Nodes.
        for v in graph.nodes.indices {
            let p = layout.places[v]
            let x = ox + colX[p.col], y = oy + rowY[p.row]
            let (a, b) = label(v, d)
            var style = values[v] ? Style.heading : Style.faint
            if v == current {
                style = backward ? Style(fg: .magenta, bold: true, reverse: true) : Style(fg: .yellow, bold: true,
                    reverse: true)
            }
            else if backward && gradientEdges.contains(v) { style = Style.gradient }
            grid.put(x, y, a, style)
            if v < faults.count, faults[v] != nil {
                grid.put(x, y + 1, b ?? "", .error)
                if b == nil, a.hasSuffix(" ✗") { grid.put(x + a.count - 1, y, "✗", .error) }
            } else if v < deltas.count, deltas[v] != nil, let b {
                grid.put(x, y + 1, b, Style(fg: .cyan, bold: true))
            } else if let b { grid.put(x, y + 1, b, gradNorms[v] != nil ? Style(fg: .magenta) : .faint) }
        }
        return true
    }
}

extension GraphDiagram {
    /// The diagram of an explorer state: Figure 6.11 with shapes, values computed so far and gradient norms.
    public init(_ s: ExplorerState) {
        let e = s.engine, g = e.graph, st = s.engineState
        var shapes = [Shape?](repeating: nil, count: g.nodes.count)
        for v in g.order {
            if let m = st.values[v] { shapes[v] = m.shape; continue }
            let ins = g.nodes[v].inputs.compactMap { g.id($0) }.map { shapes[$0] }
            if let rule = e.rules[g.nodes[v].op], ins.allSatisfy({ $0 != nil }) {
                shapes[v] = rule.shape(ins.map { $0! })
            }
        }
        let norms: [Double?] = st.grads.map { $0.map { m in m.storage.reduce(0) { $0 + $1 * $1 }.squareRoot() } }
        let current = s.currentNode
        var edges = Set<Int>()
        if s.inBackward, let step = st.steps.last { edges = Set(step.contributions.map(\.input)) }
        self.init(graph: g, layout: .of(g), shapes: shapes, values: st.values.map { $0 != nil }, gradNorms: norms,
                  current: current, backward: s.inBackward, gradientEdges: edges)
        faults = g.nodes.indices.map { v in
            func kind(_ m: Matrix<Double>?) -> String? {
                guard let m, !m.isFinite else { return nil }
                return m.storage.contains { $0.isNaN } ? "NaN" : "Inf"
            }
            if let k = kind(st.values[v]) { return "✗ " + k }
            return kind(st.grads[v]).map { "✗∇ " + $0 }
        }
        // What-if: each node an edit changed shows Δ (a norm), a relu how many gates flipped.
        if let w = s.whatIf {
            deltas = w.deltas.enumerated().map { v, d in
                d.map { "Δ " + Self.norm($0) + (w.flipped[v].map { " ⇄\($0)" } ?? "") }
            }
        }
    }
}
