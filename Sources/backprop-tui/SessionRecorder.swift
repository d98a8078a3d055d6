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

extension Session {
    /// The lines an applied action adds to the log: the action, its markers, and a digest when it
    /// changed the model or the cursor.
    static func lines(for action: Action, at t: Double, before: ExplorerState, after: ExplorerState) -> [Session.Line] {
        var out: [Session.Line] = [.action(t: t, action)]
        for m in Explorer.markers(before: before, after: after, action: action) { out.append(.marker(t: t, m)) }
        if action.changesModel { out.append(.digest(t: t, Session.Digest(after))) }
        return out
    }
}
