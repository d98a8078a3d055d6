import BackpropCore

extension Screen {
    /// What the box under the matrices says: the quiz question waiting (with its options), else
    /// the last note (`:mark`; a lesson's explanation as its replay reaches it).
    static func boxLines(_ s: ExplorerState, width: Int) -> [String] {
        if let q = s.quiz.pending {
            var lines = wrap(q.text, width: width)
            for (i, c) in q.choices.enumerated() { lines += wrap("\(i + 1)) \(c)", width: width) }
            return lines
        }
        return s.lastMark.map { wrap(REPL.inert($0), width: width) } ?? []
    }

    /// A framed box with a title on its top edge.
    static func drawBox(_ lines: [String], title: String, _ g: inout CellGrid, _ r: Rect) {
        let style = Style(fg: .cyan)
        g.fill(r)
        g.put(r.x, r.y, "┌─ \(title) " + String(repeating: "─", count: max(0, r.width - title.count - 5)) + "┐", style,
              maxWidth: r.width)
        for row in 1..<(r.height - 1) {
            g.put(r.x, r.y + row, "│", style)
            if row - 1 < lines.count { g.put(r.x + 1, r.y + row, lines[row - 1], .plain, maxWidth: r.width - 2) }
            g.put(r.maxX - 1, r.y + row, "│", style)
        }
        g.put(r.x, r.maxY - 1, "└" + String(repeating: "─", count: max(0, r.width - 2)) + "┘", style, maxWidth: r.width)
    }

    /// `:explain`: each rule that made the entry, its numbers and value, then the sum against the stored value.
    static func drawExplanation(_ x: EntryExplanation, _ g: inout CellGrid, _ r: Rect) {
        var lines: [(String, Style)] = [("explain \(x.target)" + (x.parts.count > 1
            ? ": \(x.parts.count) contributions, in the order the engine adds them" : ""), .heading)]
        // Continuation lines are indented under the text they continue.
        func add(_ text: String, _ style: Style = .plain, indent: Int = 0) {
            for (k, l) in wrap(text, width: r.width - indent - 2).enumerated() {
                lines.append((String(repeating: " ", count: indent + (k > 0 ? 2 : 0)) + l, style))
            }
        }
        for p in x.parts {
            add("from \(p.source):", Style(bold: true))
            add("= \(p.expansion.symbolic)", indent: 2)
            let numbers = p.expansion.numbers()
            if numbers != p.expansion.symbolic { add("= \(numbers)", indent: 2) }
            add("= \(p.expansion.value)", indent: 2)
        }
        let delta = abs(x.value - x.stored)
        if x.parts.count > 1 {
            let terms = x.parts.map { "\($0.expansion.value)" }.joined(separator: " + ")
            add("sum " + terms.replacingOccurrences(of: "+ -", with: "− ") + " = \(x.value)")
        }
        add("stored \(x.stored)")
        if x.agrees && delta == 0 {
            add("✓ the numbers add up to the stored value exactly", Style(fg: .green, bold: true))
        } else if x.agrees {
            add("✓ the numbers add up to the stored value (|Δ| \(formatError(delta)), within the rounding "
                + "\(formatError(x.roundingBound)) another order of summation may give)", Style(fg: .green, bold: true))
        } else {
            add("✗ the numbers do not add up to the stored value: |Δ| \(formatError(delta))", .error)
        }
        for (row, l) in lines.prefix(r.height).enumerated() {
            g.put(r.x, r.y + row, REPL.inert(l.0), l.1, maxWidth: r.width)
        }
    }

    /// Words filled into lines of at most `width` characters (a longer word is cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if line.isEmpty { line = String(word.prefix(width)) }
            else if line.count + 1 + word.count <= width { line += " " + word }
            else { lines.append(line); line = String(word.prefix(width)) }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
