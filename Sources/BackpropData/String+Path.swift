extension String {
    /// The last component of a path (`a/b/` → `b`, `/` → `/`), as `NSString.lastPathComponent` gives it.
    ///
    /// Written here because Foundation's version traps on some one-character strings on Linux
    /// (`--save a` crashed; found by fuzz-cli).
    public var pathLastComponent: String {
        var s = Substring(self)
        while s.count > 1, s.hasSuffix("/") { s = s.dropLast() }
        if s == "/" { return "/" }
        if let slash = s.lastIndex(of: "/") { return String(s[s.index(after: slash)...]) }
        return String(s)
    }

    /// The path without its last component (`a/b` → `a`, `/a` → `/`, `a` → empty), as
    /// `NSString.deletingLastPathComponent` gives it.
    public var pathParent: String {
        var s = Substring(self)
        while s.count > 1, s.hasSuffix("/") { s = s.dropLast() }
        guard let slash = s.lastIndex(of: "/") else { return "" }
        var parent = s[..<slash]
        while parent.count > 1, parent.hasSuffix("/") { parent = parent.dropLast() }
        return parent.isEmpty ? "/" : String(parent)
    }
}
