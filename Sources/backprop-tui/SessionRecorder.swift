import BackpropExplorer
import BackpropIO
import Foundation

/// Writes a session as it happens: one write(2) per line, so a kill loses at most the line being written.
final class SessionRecorder {
    let path: String
    private let out: LineAppender

    /// Creates the file and writes the header and the lines so far (the session's whole action log,
    /// so a recording started mid-way still replays from the header's configuration).
    init(path: String, header: Session.Header, log: [Session.Line]) throws(IOError) {
        self.path = path
        out = try LineAppender(path: path)
        try out.append(Session.encode(header))
        for l in log { try out.append(Session.encode(l)) }
    }

    func append(_ lines: [Session.Line]) throws(IOError) {
        for l in lines { try out.append(Session.encode(l)) }
    }
}
