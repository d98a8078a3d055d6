import Foundation

/// The loss curve as a text plot: one column per group of updates (their mean), bar heights in
/// eighths of a cell, on a log scale so the early drop does not flatten the rest.
public enum LossPlot {
    /// The mean of each of `columns` consecutive groups of the finite values.
    public static func buckets(_ values: [Double], columns: Int) -> [Double] {
        let n = values.count, cols = min(columns, n)
        guard cols > 0 else { return [] }
        return (0..<cols).compactMap { c in
            let a = c * n / cols, b = max(a + 1, (c + 1) * n / cols)
            let v = values[a..<b].filter { $0.isFinite }
            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
    }

    /// Bars of 1/8 to 8/8 of a cell (index 0 is one eighth), or ASCII stand-ins.
    static func eighths(unicode: Bool) -> [Character] {
        unicode ? ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : [".", ".", ":", ":", "|", "|", "#", "#"]
    }

    public static func draw(_ losses: [Double], into grid: inout CellGrid, rect: Rect, options: RenderOptions) {
        guard rect.height >= 2, rect.width >= 12 else { return }
        let finite = losses.filter { $0.isFinite && $0 > 0 }
        guard let hi = finite.max(), let lo = finite.min() else {
            grid.put(rect.x, rect.y, "loss: no updates yet (n, t or e)", .faint, maxWidth: rect.width)
            return
        }
        let label = String(format: "J %.4g", hi)
        let labelW = max(label.count, String(format: "  %.4g", lo).count) + 1
        grid.put(rect.x, rect.y, label, .faint)
        grid.put(rect.x, rect.y + rect.height - 1, String(format: "  %.4g", lo), .faint)
        let w = rect.width - labelW, h = rect.height
        let n = losses.count
        let means = buckets(losses, columns: w)
        let (l0, l1) = (log(lo), log(hi))
        let blocks: [Character] = [" "] + eighths(unicode: options.unicode)
        for (c, v) in means.enumerated() where v > 0 {
            let eighths = l1 > l0 ? Int(((log(v) - l0) / (l1 - l0) * Double(h * 8 - 1)).rounded()) + 1 : h * 4
            for r in 0..<h {
                let fill = min(8, max(0, eighths - r * 8))
                if fill > 0 {
                    grid.put(rect.x + labelW + c, rect.y + h - 1 - r, String(blocks[fill]), Style(fg: .green))
                }
            }
        }
        grid.put(rect.x + labelW, rect.y, String(format: " %d updates, log scale", n), .faint, maxWidth: max(0, w))
    }
}
