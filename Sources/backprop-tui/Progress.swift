import Foundation

/// A progress bar on stderr, only when stderr is a terminal; otherwise it prints nothing.
struct Progress {
    let enabled = isatty(2) == 1
    let total: Int
    /// What is counted (`steps`, `lines`).
    let unit: String
    var lastDraw = 0.0
    let start = Date()

    init(total: Int, unit: String = "steps") { self.total = total; self.unit = unit }

    mutating func update(step: Int, done: Int) {
        guard enabled else { return }
        let now = Date().timeIntervalSince(start)
        guard now - lastDraw > 0.1 || done == total else { return }
        lastDraw = now
        let rate = Double(done) / max(now, 1e-9)
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = total > 0 ? min(width, width * done / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\r[\(bar)] \(done)/\(total) \(unit)  \(Int(rate)) \(unit)/s  ETA \(Int(eta.rounded()))s \u{1B}[K"
        FileHandle.standardError.write(line.data(using: .utf8)!)
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!)
    }
}
