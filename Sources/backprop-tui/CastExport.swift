import BackpropExplorer
import BackpropIO
import Foundation
import BackpropData

/// Renders a session as an asciicast v2 screen recording: one frame per line, markers as "m" events.
enum CastExport {
    static func write(_ file: Session.File, start: ExplorerState, to path: String) throws(Failure) {
        let h = file.header
        var header: [String: Any] = ["version": 2, "width": h.columns, "height": h.rows,
                                     "env": ["TERM": "xterm-256color"]]
        if let t = h.title { header["title"] = t }
        let options = RenderOptions(unicode: true, color: true, grays: true)
        var s = start
        // Streamed to the file frame by frame (a long session is never held in memory whole), with
        // progress on a terminal; SIGINT or SIGTERM stops it between lines and leaves no file.
        Signals.install()
        // Inside one long action the loop below cannot look: the temporary file goes, and so do we.
        let temporary = "\(path).tmp-\(getpid())"
        Signals.endWithin(1) { unlink(temporary) }
        var progress = Progress(total: file.lines.count, unit: "lines")
        let written: Bool
        do throws(IOError) {
            written = try AtomicFile.write(to: path) { (emit: AtomicFile.Emit) throws(IOError) -> Bool in
                func out(_ value: Any) throws(IOError) { try emit(Array(line(value).utf8)) }
                func frame(_ t: Double) throws(IOError) {
                    let grid = Screen.render(s, width: h.columns, height: h.rows, options: options)
                    try out([t, "o", grid.ansiFrame()])
                }
                try out(header)
                try out([0, "o", "\u{1B}[2J"])
                try frame(0)
                // Times are made strictly increasing and idle gaps capped at 2 s, as a viewer would want.
                var t = 0.0, last = 0.0
                for (i, line) in file.lines.enumerated() {
                    if Signals.pending != 0 { return false }
                    let dt = min(2, max(0, line.time - last)); last = line.time
                    t += max(dt, 0.001)
                    let ts = (t * 1000).rounded() / 1000
                    switch line {
                    case .action(_, let a): Explorer.reduce(into: &s, a); try frame(ts)
                    case .marker(_, let m): try out([ts, "m", m])
                    case .digest: break
                    }
                    progress.update(step: i + 1, done: i + 1)
                }
                return true
            }
        } catch { throw .io(error) }
        progress.finish()
        guard written else { throw .interrupted(signal: Signals.pending) }
        print("\(path): \(file.lines.count) session lines as an asciicast v2 recording (\(h.columns)×\(h.rows))")
    }

    /// One line of the recording: a JSON object or event array (keys sorted, so exports are repeatable).
    static func line(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value,
                                                options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
