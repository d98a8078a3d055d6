import BackpropCore

/// Images as pixel art: two pixels per cell with the upper half block, grey levels on 256-colour
/// terminals, density characters otherwise.
public enum Pictures {
    static let ramp: [Character] = Array(" .:-=+*#%@")

    /// Draws a side×side image (row-major values) scaled between `lo` and `hi`, at (x, y).
    public static func draw(_ pixels: [Double], side: Int, lo: Double, hi: Double, title: String?,
                            into grid: inout CellGrid, x: Int, y: Int, options: RenderOptions) {
        let y = title == nil ? y - 1 : y
        if let title { grid.put(x, y, title, .heading) }
        let span = hi > lo ? hi - lo : 1
        func level(_ v: Double) -> Double { max(0, min(1, (v - lo) / span)) }
        for r in stride(from: 0, to: side, by: 2) {
            for c in 0..<side {
                let top = level(pixels[r * side + c]), bottom = r + 1 < side ? level(pixels[(r + 1) * side + c]) : 0
                if options.grays {
                    grid.put(x + c, y + 1 + r / 2, options.unicode ? "▀" : "#",
                             Style(fg: .gray(Int(top * 23)), bg: .gray(Int(bottom * 23))))
                } else {
                    let i = Int(((top + bottom) / 2 * Double(ramp.count - 1)).rounded())
                    grid.put(x + c, y + 1 + r / 2, String(ramp[i]))
                }
            }
        }
    }

    /// Averages 2×2 blocks: a side×side image at half the side.
    static func downsample(_ p: [Double], side: Int) -> [Double] {
        let h = side / 2
        return (0..<(h * h)).map { k in
            let (r, c) = (2 * (k / h), 2 * (k % h))
            return (p[r * side + c] + p[r * side + c + 1] + p[(r + 1) * side + c] + p[(r + 1) * side + c + 1]) / 4
        }
    }

    /// The current minibatch's first inputs, W1's chosen column and its gradient, side by side.
    public static func draw(_ s: ExplorerState, into grid: inout CellGrid, rect: Rect, options: RenderOptions) {
        guard let side = s.train.imageSide else { return }
        let j = s.pictureColumn
        var items: [(String, [Double], Double, Double)] = []
        let (X, _): (Matrix<Double>, Matrix<Double>) = s.train.matrix(rows: Array(s.batch.prefix(2)))
        for i in 0..<X.rows {
            items.append(("x\(i) y=\(s.train.labels[s.batch[i]])", Array(X.storage[(i * X.cols)..<((i + 1) * X.cols)]),
                          0, 1))
        }
        func column(_ m: Matrix<Double>) -> [Double] { (0..<m.rows).map { m[$0, j] } }
        func symmetric(_ v: [Double]) -> (Double, Double) { let a = v.map(abs).max() ?? 1; return (-a, a) }
        if let first = s.firstLayer, j < first.value.cols {
            let w = column(first.value); let (wl, wh) = symmetric(w)
            items.append(("\(first.name)[:,\(j)]", w, wl, wh))
            if let g = s.engine.graph.id(first.name).flatMap({ s.engineState.grads[$0] }) {
                let gc = column(g); let (gl, gh) = symmetric(gc)
                items.append(("∇\(first.name) J[:,\(j)]", gc, gl, gh))
            }
        }
        // Full size when there is room, else every 2×2 block averaged (14×14 for Fashion-MNIST).
        let half = side / 2 + 1 > rect.height || items.count * (side + 2) > rect.width + 2
        let shown = half ? side / 2 : side
        let titled = (shown + 1) / 2 + 1 <= rect.height
        var x = rect.x
        for (title, px, lo, hi) in items where x + shown <= rect.maxX && (shown + 1) / 2 <= rect.height {
            let pixels = half ? downsample(px, side: side) : px
            draw(pixels, side: shown, lo: lo, hi: hi, title: titled ? title : nil, into: &grid, x: x, y: rect.y,
                 options: options)
            x += max(shown, titled ? title.count : 0) + 2
        }
    }
}
