extension CellGrid {
    /// The same screen with every character outside ASCII replaced by a one-cell ASCII stand-in
    /// (for terminals outside a UTF-8 locale, where those characters would show as garbage).
    public func ascii() -> CellGrid {
        var g = self
        for y in 0..<height {
            for x in 0..<width {
                let c = self[x, y].char
                if c.isASCII { continue }
                g[x, y] = Cell(char: Self.fallback[c] ?? "?", style: self[x, y].style)
            }
        }
        return g
    }

    static let fallback: [Character: Character] = {
        var m: [Character: Character] = [
            "→": ">", "←": "<", "↑": "^", "↓": "v", "▶": ">", "◀": "<", "▼": "v", "●": "*",
            "∇": "d", "ᵀ": "T", "‖": "|", "λ": "L", "ε": "e", "·": ".", "…": "~", "×": "x", "⊙": "*",
            "≤": "<", "≥": ">", "−": "-", "∂": "d", "′": "'", "▀": "#", "█": "#", "✓": "v", "✗": "x", "Σ": "S",
            "²": "2", "Δ": "D",
        ]
        for c in "─" { m[c] = "-" }
        for c in "│" { m[c] = "|" }
        for c in "┌┐└┘├┤┬┴┼" { m[c] = "+" }
        for c in "▁▂▃" { m[c] = "." }
        for c in "▄▅▆▇" { m[c] = ":" }
        return m
    }()
}
