import BackpropCore

extension Session {
    /// The lines an applied action adds to the log: the action, its markers, and a digest when it
    /// changed the model or the cursor.
    public static func lines(for action: Action, at t: Double, before: ExplorerState,
                             after: ExplorerState) -> [Session.Line] {
        var out: [Session.Line] = [.action(t: t, action)]
        for m in Explorer.markers(before: before, after: after, action: action) { out.append(.marker(t: t, m)) }
        if action.changesModel { out.append(.digest(t: t, Session.Digest(after))) }
        return out
    }
}
