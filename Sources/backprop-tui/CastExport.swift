import BackpropExplorer
import BackpropIO
import Foundation

/// Renders a session as an asciicast v2 screen recording: one frame per line, markers as "m" events.
enum CastExport {
    static func write(_ file: Session.File, start: ExplorerState, to path: String) throws(Failure) {
        let h = file.header
        var header: [(String, JSON)] = [("version", .number(2)), ("width", .number(Double(h.columns))), ("height", .number(Double(h.rows)))]
        if let t = h.title { header.append(("title", .string(t))) }
        header.append(("env", .object([("TERM", .string("xterm-256color"))])))
        var out = JSON.object(header).text + "\n"
        let options = RenderOptions(unicode: true, color: true, grays: true)
        var s = start
        func frame(_ t: Double) {
            let grid = Screen.render(s, width: h.columns, height: h.rows, options: options)
            out += JSON.array([.number(t), .string("o"), .string(grid.ansiFrame())]).text + "\n"
        }
        out += JSON.array([.number(0), .string("o"), .string("\u{1B}[2J")]).text + "\n"
        frame(0)
        // Times are made strictly increasing and idle gaps capped at 2 s, as a viewer would want.
        var t = 0.0, last = 0.0
        for line in file.lines {
            let dt = min(2, max(0, line.time - last)); last = line.time
            t += max(dt, 0.001)
            let ts = (t * 1000).rounded() / 1000
            switch line {
            case .action(_, let a): Explorer.reduce(into: &s, a); frame(ts)
            case .marker(_, let m): out += JSON.array([.number(ts), .string("m"), .string(m)]).text + "\n"
            case .digest: break
            }
        }
        do throws(IOError) { try AtomicFile.write(Array(out.utf8), to: path) } catch { throw .io(error) }
        print("\(path): \(file.lines.count) session lines as an asciicast v2 recording (\(h.columns)×\(h.rows))")
    }
}
