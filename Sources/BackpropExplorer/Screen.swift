import BackpropCore
import Foundation
import BackpropData

/// Rendering: a pure function of the state (and the size and terminal abilities) into a cell grid.
public enum Screen {
    public static let minimumWidth = 40
    public static let minimumHeight = 12

    public static func render(_ s: ExplorerState, width: Int, height: Int, options: RenderOptions = .init(),
                              chrome: Chrome = .init()) -> CellGrid {
        var g = CellGrid(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            g.put(0, 0, "terminal too small (need \(minimumWidth)×\(minimumHeight))", .plain)
            return g
        }
        drawTitle(s, &g, chrome)
        let full = width >= 80 && height >= 24
        // The graph: as much detail as fits, then one line of figures under it.
        let diagram = GraphDiagram(s)
        let graphRows = full ? 10 : height >= 14 ? 5 : height - 7
        var y = 1
        if let d = diagram.detail(fitting: width - 2, graphRows) {
            diagram.draw(into: &g, rect: Rect(x: 1, y: y, width: width - 2, height: graphRows), options: options)
            y += diagram.height(detail: d)
        } else if full {
            // Too large: up to 16 more rows (the inspector keeps 14), and a window on it that
            // follows the step just taken.
            let tall = max(graphRows, min(graphRows + 16, height - 24))
            let d = diagram.detail(fittingHeight: tall)
            let rect = Rect(x: 1, y: y, width: width - 2, height: min(tall, diagram.height(detail: d)))
            diagram.drawPanned(into: &g, rect: rect, detail: d,
                               pan: diagram.pan(detail: d, width: rect.width, height: rect.height), options: options)
            y += rect.height
        } else {
            let what = s.graph == Figure611.graph ? "Figure 6.11" : "the graph's \(s.graph.nodes.count) nodes"
            g.put(1, y, "(graph hidden: enlarge the terminal to see \(what))", .faint, maxWidth: width - 2)
            y += 1
        }
        drawSummary(s, &g, Rect(x: 1, y: y, width: width - 2, height: 1), options)
        let topOfInspector = y + 1
        let keysLine = height >= 16
        let bottom = height - (keysLine ? 2 : 1)   // status and key lines
        // Breakpoints and watches: one line above the status line, their values at this step.
        let watches = s.watchLine
        let panesEnd = bottom - (watches == nil ? 0 : 1)
        if let w = watches {
            g.put(1, panesEnd, "watch " + w, w.contains("✋") ? .error : .plain, maxWidth: width - 2)
        }
        var inspectorWidth = width
        if width >= 120 && height >= 36 {
            inspectorWidth = width - 44
            drawSide(s, &g,
                     Rect(x: inspectorWidth + 1, y: topOfInspector, width: width - inspectorWidth - 2,
                     height: panesEnd - topOfInspector), options)
        }
        drawInspector(s, &g,
                      Rect(x: 1, y: topOfInspector, width: inspectorWidth - 2, height: panesEnd - topOfInspector),
                      options)
        drawStatus(s, &g, y: bottom, chrome: chrome)
        if keysLine { drawKeys(s, &g, y: height - 1, chrome: chrome) }
        if s.showHelp { drawHelp(&g) }
        return g
    }

    static func drawTitle(_ s: ExplorerState, _ g: inout CellGrid, _ chrome: Chrome) {
        g.fill(Rect(x: 0, y: 0, width: g.width, height: 1), " ", .title)
        let c = s.config
        let phase = s.position == 0 ? "start"
            : s.inBackward ? "backward"
            : s.position <= s.engine.forwardNodes.count ? "forward" : ""
        var left = " \(REPL.inert(c.data)) \(s.features)→\(c.hidden)→\(s.classes) m=\(c.batchSize) "
                   + "ε=\(formatSetting(c.lr)) λ=\(formatSetting(c.lambda))"
        left += " · step \(s.position)/\(s.stepCount) \(phase) · update \(s.updates) epoch \(s.epoch + 1)"
        if g.width >= 110 {
            left = " backprop-tui · " + (s.graph == Figure611.graph ? "Figure 6.11" : "own graph") + " ·" + left
        } else if g.width >= 96 {
            left = " backprop-tui ·" + left
        }
        g.put(0, 0, left, .title)
        var right = ""
        if let r = chrome.replay { right += " ▶ \(r) " }
        if let r = chrome.recording { right += " ● REC \(REPL.inert(r.pathLastComponent)) " }
        if !right.isEmpty { g.put(max(0, g.width - right.count), 0, right, Style(fg: .red, bold: true, reverse: true)) }
    }

    /// One line: J, accuracy, multiply-adds so far (of a whole step), bytes kept for backward, a loss sparkline.
    static func drawSummary(_ s: ExplorerState, _ g: inout CellGrid, _ r: Rect, _ o: RenderOptions) {
        var parts = ["J " + (s.currentJ.map { String(format: "%.6f", $0) } ?? "–")]
        var acc = "acc \(formatPercent(s.trainAccuracy))"
            + (s.test != nil ? " test \(formatPercent(s.testAccuracy))" : "")
        if let at = s.accuracyAt, at != s.updates { acc += " (at update \(at))" }
        if s.accuracyAt == nil && s.trainAccuracy == nil { acc = "acc – (t or e measures)" }
        parts.append(acc)
        if s.quiz.on || s.quiz.asked > 0 { parts.append(s.quiz.score) }
        let shapes = s.leafShapes(rows: s.config.batchSize)
        let done = s.engine.multiplyAddsDone(s.engineState)
        if let c = s.engine.cost(leafShapes: shapes) {
            parts.append("madds \(formatCount(done))/\(formatCount(c.forward + c.backward))")
            parts.append("kept \(formatBytes(c.bytesKept))")
        }
        let text = parts.joined(separator: "  ")
        let used = g.put(r.x, r.y, text, .heading, maxWidth: r.width)
        let room = r.width - used - 2
        if room >= 12, !s.losses.isEmpty {
            // The whole history, averaged into as many columns as fit (the trend, not the noise).
            let means = LossPlot.buckets(s.losses, columns: room - 5)
            let lo = means.min() ?? 0, hi = means.max() ?? 0
            let blocks = LossPlot.eighths(unicode: o.unicode)
            let spark = String(means.map { v in blocks[hi > lo ? Int((v - lo) / (hi - lo) * 7) : 3] })
            g.put(r.x + used + 2, r.y, "loss " + spark, Style(fg: .green))
        }
    }

    /// Wide screens: the loss curve, and pictures for image data.
    static func drawSide(_ s: ExplorerState, _ g: inout CellGrid, _ r: Rect, _ o: RenderOptions) {
        g.put(r.x, r.y, "loss curve", .heading)
        let plotH = s.train.imageSide != nil ? 6 : r.height - 2
        LossPlot.draw(s.losses, into: &g, rect: Rect(x: r.x, y: r.y + 1, width: r.width, height: plotH), options: o)
        if s.train.imageSide != nil {
            Pictures.draw(s, into: &g,
                          rect: Rect(x: r.x, y: r.y + plotH + 2, width: r.width, height: r.maxY - r.y - plotH - 2),
                          options: o)
        }
    }

    static func drawInspector(_ s: ExplorerState, _ g: inout CellGrid, _ r: Rect, _ o: RenderOptions) {
        guard r.height > 0 else { return }
        if s.showProgram { drawProgram(s, &g, r); return }
        let ins = s.inspection
        var y = r.y
        for l in ins.lines.prefix(max(1, r.height / 3)) { g.put(r.x, y, l, .plain, maxWidth: r.width); y += 1 }
        // Tabs.
        var titles = s.pinned == nil ? ins.panels.map(\.title) : []
        if s.pinned == nil, s.train.imageSide != nil { titles.append("pictures") }
        if !titles.isEmpty, y < r.maxY {
            var x = r.x
            for (i, t) in titles.enumerated() {
                let label = i == s.tab ? "[\(t)]" : " \(t) "
                if x + label.count > r.maxX { g.put(r.maxX - 1, y, "…", .faint); break }
                g.put(x, y, label, i == s.tab ? Style(bold: true, reverse: true) : .faint)
                x += label.count + 1
            }
            y += 1
        }
        // The quiz's question, or a lesson's note, in a box under the matrices.
        let box = boxLines(s, width: r.width - 2)
        let boxHeight = box.isEmpty ? 0 : min(box.count + 2, max(0, r.maxY - y - 3))
        if boxHeight >= 3 {
            let title = s.quiz.pending.map { "quiz: \($0.kind.rawValue) · \(s.quiz.right)/\(s.quiz.asked) so far" }
            drawBox(box, title: title ?? "note", &g,
                    Rect(x: r.x, y: r.maxY - boxHeight, width: r.width, height: boxHeight))
        }
        let body = Rect(x: r.x, y: y, width: r.width, height: r.maxY - y - (boxHeight >= 3 ? boxHeight : 0))
        if let c = s.check { drawCheck(c, &g, body); return }
        if let x = s.explanation { drawExplanation(x, &g, body); return }
        if s.picturesSelected { Pictures.draw(s, into: &g, rect: body, options: o); return }
        if let p = s.selectedPanel { MatrixView.draw(p, into: &g, rect: body, row: s.scrollRow, col: s.scrollCol) }
    }

    static func drawCheck(_ c: CheckReport, _ g: inout CellGrid, _ r: Rect) {
        var y = r.y
        g.put(r.x, y, "check \(c.title), central differences h = \(c.step)", .heading, maxWidth: r.width); y += 1
        g.put(r.x, y, "entry        analytic                 numeric                  |a − n|", .faint,
              maxWidth: r.width); y += 1
        for e in c.entries where y < r.maxY - 1 {
            let t = String(format: "(%d,%d)", e.row, e.col).padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: "%+.16e  %+.16e  %.2e", e.analytic, e.numeric, e.error)
            g.put(r.x, y, t, .plain, maxWidth: r.width); y += 1
        }
        if y < r.maxY {
            g.put(r.x, y, c.passed ? "agrees: every |a − n| ≤ 1e-6 + 1e-4·|n|" : "DISAGREES beyond 1e-6 + 1e-4·|n|",
                  c.passed ? Style(fg: .green, bold: true) : .error, maxWidth: r.width)
        }
    }

    /// The backward program, one line per gradient contribution, each with the node whose step
    /// makes it; the lines of the step just taken are highlighted and kept in view.
    static func drawProgram(_ s: ExplorerState, _ g: inout CellGrid, _ r: Rect) {
        let shapes = s.leafShapes(rows: s.batch.count)
        guard let lines = s.engine.backwardProgramLines(leafShapes: shapes) else { return }
        g.put(r.x, r.y, "backward program, in the order the engine runs it (p: the inspector)", .heading,
              maxWidth: r.width)
        let names = lines.map { s.graph.nodes[$0.node].name }
        let width = min(10, names.map(\.count).max() ?? 0)
        let current = lines.indices.filter { lines[$0].position == s.position }
        let room = r.height - 1
        let top = max(0, min((current.last ?? 0) - room + 2, lines.count - room))
        for (row, i) in lines.indices.dropFirst(top).prefix(room).enumerated() {
            let tag = names[i].padding(toLength: width, withPad: " ", startingAt: 0)
            let on = current.contains(i)
            let style = on ? Style(fg: .magenta, bold: true, reverse: true)
                : lines[i].position <= s.position ? Style.plain : Style.faint
            g.put(r.x, r.y + 1 + row, REPL.inert("\(tag) │ \(lines[i].text)"), style, maxWidth: r.width)
        }
    }

    static func drawStatus(_ s: ExplorerState, _ g: inout CellGrid, y: Int, chrome: Chrome) {
        if let job = s.training {
            g.put(0, y, progress(job, s, chrome: chrome, width: g.width), .heading, maxWidth: g.width)
            return
        }
        if let p = s.prompt {
            let lead = p.answering ? "answer: " : ":"
            g.put(0, y, lead + REPL.inert(p.text), .plain, maxWidth: g.width)
            g.put(min(g.width - 1, lead.count + p.text.count), y, "_", Style(reverse: true))
            return
        }
        g.put(0, y, REPL.inert(s.status.text), s.status.isError ? .error : .plain, maxWidth: g.width)
    }

    /// The training line: a bar of the updates done of those asked for, the rate and what is left.
    static func progress(_ job: TrainingJob, _ s: ExplorerState, chrome: Chrome, width: Int) -> String {
        let total = max(job.target, 1), done = min(job.done, job.target)
        let barWidth = max(10, min(30, width / 5))
        let filled = barWidth * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled)
        var text = "training [\(bar)] \(formatCount(done))/\(formatCount(job.target)) updates"
        if let rate = chrome.samplesPerSecond, rate > 0 {
            text += " · \(formatCount(Int(rate))) samples/s"
            let left = Double(job.target - done) * Double(s.config.batchSize) / rate
            text += " · ETA " + formatDuration(left)
        }
        if done >= job.target && job.measure { text += " · measuring accuracy" }
        text += " · epoch \(s.epoch + 1)"
        if chrome.keysWaiting > 0 {
            text += " · \(chrome.keysWaiting) key\(chrome.keysWaiting == 1 ? "" : "s") typed ahead"
        }
        return text
    }

    static func drawKeys(_ s: ExplorerState, _ g: inout CellGrid, y: Int, chrome: Chrome) {
        let keys = chrome.replay != nil ? "space play/pause  ←→ one action  +/- speed  [ ] markers  other keys take "
                                          + "over  q quit"
            : s.training != nil ? "Esc or Ctrl-C stops after the current update  q quits"
            : s.prompt?.answering == true ? "Enter answers  Esc looks around first (→ comes back to the question)"
            : s.prompt != nil ? "Enter run  Tab complete  ↑↓ history  Esc cancel"
            : s.quiz.pending != nil ? "→ answer the question  Tab matrix  ↑↓ scroll  Esc withdraw it  : command  q quit"
            : "→ step ← back  n update  t train  Tab matrix  c check  : command  ? help  q quit"
        g.put(0, y, keys, .faint, maxWidth: g.width)
    }

    /// Every key and command, over the whole screen.
    static func drawHelp(_ g: inout CellGrid) {
        let r = Rect(x: 1, y: 1, width: g.width - 2, height: g.height - 2)
        g.fill(Rect(x: 0, y: 1, width: g.width, height: g.height - 2))
        var y = r.y
        g.put(r.x, y, "help: keys (any key closes)", .heading, maxWidth: r.width); y += 1
        // Keys flow across the width, as many to a line as fit.
        var x = r.x
        let items = Keymap.bindings.map { "\($0.label) \($0.help)" }
            + [": command line", "/ find a node (goto)", "r record on/off"]
        for item in items {
            if x > r.x && x + item.count > r.maxX { x = r.x; y += 1 }
            if y >= r.maxY { return }
            g.put(x, y, item, .plain, maxWidth: r.width)
            let label = item.prefix { $0 != " " }
            g.restyle(x, y, count: label.count) { $0.bold = true }
            x += item.count + 3
        }
        y += 1
        if y < r.maxY { g.put(r.x, y, "commands (type : first)", .heading, maxWidth: r.width); y += 1 }
        let room = r.maxY - y
        if room >= REPL.commands.count {
            for c in REPL.commands {
                g.put(r.x, y, c.usage, Style(bold: true), maxWidth: r.width)
                g.put(r.x + 38, y, c.summary, .plain, maxWidth: r.width - 38); y += 1
            }
        } else {
            x = r.x
            for c in REPL.commands {
                if x > r.x && x + c.usage.count > r.maxX { x = r.x; y += 1 }
                if y >= r.maxY { return }
                g.put(x, y, c.usage, .plain, maxWidth: r.width); x += c.usage.count + 3
            }
        }
    }
}
