extension Session {
    /// A whole session file, parsed.
    public struct File: Sendable {
        public var header: Header
        public var lines: [Line]
        /// 1-based line numbers in the file, parallel to `lines` (for messages).
        public var lineNumbers: [Int]
        /// A torn last line (a recording killed mid-write) is skipped with this warning.
        public var warning: String?
    }

    /// Splits and parses a session file's bytes. Every line is checked against the 1 MiB limit
    /// before it is parsed; an unfinished last line that does not parse is reported and skipped.
    public static func parse(_ bytes: [UInt8]) throws(SessionError) -> File {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            lines.append(bytes[start..<i]); start = i + 1
        }
        let torn = start < bytes.count
        if torn { lines.append(bytes[start...]) }
        for (i, l) in lines.enumerated() where l.count > maxLineBytes {
            throw .bad(line: i + 1, "line is \(l.count) bytes; the limit is 1 MiB")
        }
        guard let first = lines.first, !first.isEmpty else {
            throw .bad(line: 1, "empty file; expected a session header line")
        }
        let header = try decodeHeader(Array(first))
        var out: [Line] = [], numbers: [Int] = [], warning: String?
        for (i, l) in lines.enumerated().dropFirst() {
            if l.isEmpty || l.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            do {
                out.append(try decode(Array(l), line: i + 1)); numbers.append(i + 1)
            } catch {
                if torn && i == lines.count - 1 {
                    warning = "line \(i + 1) is incomplete (the recording was cut off while writing it); skipped"
                } else { throw error }
            }
        }
        return File(header: header, lines: out, lineNumbers: numbers, warning: warning)
    }
}
