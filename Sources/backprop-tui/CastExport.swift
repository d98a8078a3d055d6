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
        var out = line(header)
        let options = RenderOptions(unicode: true, color: true, grays: true)
        var s = start
        func frame(_ t: Double) {
            let grid = Screen.render(s, width: h.columns, height: h.rows, options: options)
            out += line([t, "o", grid.ansiFrame()])
        }
        out += line([0, "o", "\u{1B}[2J"])
        frame(0)
        // Times are made strictly increasing and idle gaps capped at 2 s, as a viewer would want.
        var t = 0.0, last = 0.0
        for line in file.lines {
            let dt = min(2, max(0, line.time - last)); last = line.time
            t += max(dt, 0.001)
            let ts = (t * 1000).rounded() / 1000
            switch line {
            case .action(_, let a): Explorer.reduce(into: &s, a); frame(ts)
            case .marker(_, let m): out += CastExport.line([ts, "m", m])
            case .digest: break
            }
        }
        do throws(IOError) { try AtomicFile.write(Array(out.utf8), to: path) } catch { throw .io(error) }
        print("\(path): \(file.lines.count) session lines as an asciicast v2 recording (\(h.columns)×\(h.rows))")
    }

    /// One line of the recording: a JSON object or event array (keys sorted, so exports are repeatable).
    static func line(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value,
                                                options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
