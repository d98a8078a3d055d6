import Foundation

/// The loss curve as a text plot: one column per group of updates, bar heights in eighths of a cell.
public enum LossPlot {
    public static func draw(_ losses: [Double], into grid: inout CellGrid, rect: Rect, options: RenderOptions) {
        guard rect.height >= 2, rect.width >= 12 else { return }
        let finite = losses.filter { $0.isFinite }
        guard let hi = finite.max(), let lo = finite.min() else {
            grid.put(rect.x, rect.y, "loss: no updates yet (n, t or e)", .faint, maxWidth: rect.width)
            return
        }
        let label = String(format: "J %.4g", hi)
        let labelW = max(label.count, String(format: "  %.4g", lo).count) + 1
        grid.put(rect.x, rect.y, label, .faint)
        grid.put(rect.x, rect.y + rect.height - 1, String(format: "  %.4g", lo), .faint)
        let w = rect.width - labelW, h = rect.height
        // Average the losses falling in each column.
        let n = losses.count, cols = min(w, n)
        let span = hi - lo
        let blocks: [Character] = options.unicode ? [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : [" ", ".", ".", ":", ":", "|", "|", "#", "#"]
        for c in 0..<cols {
            let a = c * n / cols, b = max(a + 1, (c + 1) * n / cols)
            let vals = losses[a..<b].filter { $0.isFinite }
            guard !vals.isEmpty else { continue }
            let v = vals.reduce(0, +) / Double(vals.count)
            let eighths = span > 0 ? Int(((v - lo) / span * Double(h * 8 - 1)).rounded()) + 1 : h * 4
            for r in 0..<h {
                let fill = min(8, max(0, eighths - r * 8))
                if fill > 0 { grid.put(rect.x + labelW + c, rect.y + h - 1 - r, String(blocks[fill]), Style(fg: .green)) }
            }
        }
        grid.put(rect.x + labelW, rect.y, String(format: " %d updates", n), .faint, maxWidth: max(0, w))
    }
}
