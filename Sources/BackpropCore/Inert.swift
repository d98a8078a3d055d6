/// Makes text from a file safe to print: control characters become escapes, long text is cut.
public func inert(_ s: some StringProtocol, limit: Int = 60) -> String {
    var out = ""
    for u in s.unicodeScalars {
        if out.count >= limit { out += "…"; break }
        if u.value < 0x20 || u.value == 0x7F
            || (0x80..<0xA0).contains(u.value) { out += u.escaped(asASCII: true) } else {
            out.unicodeScalars.append(u)
        }
    }
    return out
}
