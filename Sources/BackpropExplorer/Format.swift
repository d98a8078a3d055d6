import Foundation

/// Number formats used on screen; fixed widths so columns line up.

/// Short form for status lines: 4 significant digits.
func formatNumber(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "Inf" : "-Inf" }
    return String(format: "%.4g", x)
}

func formatPercent(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }

func formatError(_ x: Double) -> String { String(format: "%.2e", x) }

/// Multiply-adds with thousands separators: 1,234,567.
func formatCount(_ n: Int) -> String {
    let s = String(n)
    var out = ""
    for (i, c) in s.enumerated() {
        if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}

/// Bytes as B, KiB or MiB.
func formatBytes(_ n: Int) -> String {
    if n < 1024 { return "\(n) B" }
    if n < 1024 * 1024 { return String(format: "%.1f KiB", Double(n) / 1024) }
    return String(format: "%.1f MiB", Double(n) / 1048576)
}

/// How the entries of one matrix are written: fixed-point when the magnitudes allow, else scientific.
struct CellFormat {
    let width: Int
    let fixed: Bool
    let decimals: Int

    init(maxAbs: Double) {
        if maxAbs == 0 || (maxAbs >= 1e-2 && maxAbs < 1e4) || !maxAbs.isFinite {
            fixed = true; width = 9; decimals = maxAbs >= 100 ? 2 : 4
        } else {
            fixed = false; width = 10; decimals = 2
        }
    }

    func text(_ x: Double) -> String {
        if x.isNaN { return pad("NaN") }
        if x.isInfinite { return pad(x > 0 ? "Inf" : "-Inf") }
        return fixed ? String(format: "%\(width).\(decimals)f", x) : String(format: "%\(width).\(decimals)e", x)
    }

    func pad(_ s: String) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
}

/// A duration for an ETA: `42s`, `3m05s`, `2h07m`.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "–" }
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
}
