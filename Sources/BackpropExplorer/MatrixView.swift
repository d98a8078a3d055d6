import BackpropCore
import Foundation

/// Draws a matrix: a header with shape and statistics, row and column indices, and entries on a
/// diverging colour scale (red positive, blue negative, brighter for larger magnitude). Entries a
/// relu mask zeroed are shown as `·`. Scrolls by (row, col) when larger than the rectangle.
public enum MatrixView {
    /// The style of an entry: colour by sign, weight by magnitude relative to the largest.
    static func style(_ x: Double, maxAbs: Double) -> Style {
        guard x != 0, maxAbs > 0, x.isFinite else { return x.isFinite ? .faint : .error }
        let t = abs(x) / maxAbs
        let c: Color = x > 0 ? .red : .blue
        return t > 2.0 / 3 ? Style(fg: c, bold: true) : t > 1.0 / 3 ? Style(fg: c) : Style(fg: c, dim: true)
    }

    /// `min -0.12  max 0.53  mean 0.01  ‖·‖ 1.2`
    public static func statistics(_ m: Matrix<Double>) -> String {
        let s = m.summary
        return String(format: "min %.4g  max %.4g  mean %.4g  ‖·‖ %.4g", s.min, s.max, s.mean, s.norm)
    }

    /// Draws `panel` in `rect` starting at entry (row, col); returns the (row, col) ranges shown.
    @discardableResult
    public static func draw(_ panel: Panel, into grid: inout CellGrid, rect: Rect, row: Int, col: Int) -> (Range<Int>,
        Range<Int>) {
        let m = panel.matrix
        guard rect.height >= 1, rect.width >= 8 else { return (0..<0, 0..<0) }
        var y = rect.y
        let head = "\(panel.title)  \(m.rows)×\(m.cols)"
        let used = grid.put(rect.x, y, head, .heading, maxWidth: rect.width)
        // The tensor's health in full: its statistics, then its signs, NaN/Inf and a relu's dead units.
        let h = TensorHealth(m, relu: panel.relu)
        var stats = statistics(m) + "  −\(h.negative) 0:\(h.zero) +\(h.positive)"
        if !h.isFinite { stats += "  NaN \(h.nan) +Inf \(h.posInf) −Inf \(h.negInf)" }
        if let d = h.deadUnits, let u = h.units { stats += "  dead \(d)/\(u)" }
        let sick = !h.isFinite
        grid.put(rect.x + used + 2, y, stats, sick ? .error : .faint, maxWidth: max(0, rect.width - used - 2))
        y += 1
        guard rect.height >= 4 else { return (0..<0, 0..<0) }
        let maxAbs = m.storage.reduce(0) { max($0, abs($1).isFinite ? abs($1) : $0) }
        let fmt = CellFormat(maxAbs: maxAbs)
        let labelW = max(3, String(m.rows - 1).count + 1)
        let fit = max(1, (rect.width - labelW) / (fmt.width + 1))
        let c0 = min(col, max(0, m.cols - fit)), c1 = min(m.cols, c0 + fit)
        var rowsFit = rect.height - 2
        if m.rows > rowsFit { rowsFit -= 1 }   // the last line says how many rows are below
        let r0 = min(row, max(0, m.rows - rowsFit)), r1 = min(m.rows, r0 + rowsFit)
        // Column indices, with arrows when there is more to either side.
        var header = String(repeating: " ", count: labelW)
        for j in c0..<c1 { header += fmt.pad(String(j)) + " " }
        grid.put(rect.x, y, header, .faint, maxWidth: rect.width)
        if c0 > 0 { grid.put(rect.x, y, "◀", .faint) }
        if c1 < m.cols { grid.put(rect.x + rect.width - 1, y, "▶", .faint) }
        y += 1
        for i in r0..<r1 {
            grid.put(rect.x, y, fmt.pad(String(i)).suffix(labelW - 1) + " ", .faint)
            var x = rect.x + labelW
            for j in c0..<c1 {
                let v = m[i, j]
                if let mask = panel.mask, mask.rows == m.rows, mask.cols == m.cols, mask[i, j] <= 0 {
                    grid.put(x, y, fmt.pad("·"), .faint)
                } else {
                    grid.put(x, y, fmt.text(v), style(v, maxAbs: maxAbs))
                }
                x += fmt.width + 1
            }
            y += 1
        }
        if r1 < m.rows {
            grid.put(rect.x, rect.y + rect.height - 1, "▼ \(m.rows - r1) more rows", .faint, maxWidth: labelW + 20)
        }
        return (r0..<r1, c0..<c1)
    }
}
