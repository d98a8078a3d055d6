extension CellGrid {
    /// The whole screen as terminal output: cursor home, then each row with SGR attributes.
    /// This is what a screen recording (asciicast) stores for one frame.
    public func ansiFrame(color: Bool = true) -> String {
        var out = "\u{1B}[H"
        var current: Style? = nil
        for y in 0..<height {
            out += "\u{1B}[\(y + 1);1H"
            for x in 0..<width {
                let c = self[x, y]
                if c.style != current { out += Self.sgr(c.style, color: color); current = c.style }
                out.append(c.char)
            }
        }
        return out + "\u{1B}[0m"
    }

    static func sgr(_ s: Style, color: Bool) -> String {
        var codes = ["0"]
        if s.bold { codes.append("1") }
        if s.dim { codes.append("2") }
        if s.underline { codes.append("4") }
        if s.reverse { codes.append("7") }
        if color {
            if let f = code(s.fg, base: 30) { codes.append(f) }
            if let b = code(s.bg, base: 40) { codes.append(b) }
        }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    static func code(_ c: Color, base: Int) -> String? {
        switch c {
        case .default: nil
        case .black: "\(base)"; case .red: "\(base + 1)"; case .green: "\(base + 2)"; case .yellow: "\(base + 3)"
        case .blue: "\(base + 4)"; case .magenta: "\(base + 5)"; case .cyan: "\(base + 6)"; case .white: "\(base + 7)"
        case .gray(let n): "\(base + 8);5;\(232 + max(0, min(23, n)))"
        }
    }
}
