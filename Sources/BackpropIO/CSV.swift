/// CSV data: one example per row, `label,x1,…,xd`, with an optional header row.
public enum CSV {
    public static let maxColumns = 4096

    /// Parses labels and row-major features; rows must all have the same width.
    public static func parse(_ b: [UInt8], file: String) throws(IOError) -> (labels: [Int], features: [Float], d: Int, header: [String]?) {
        var labels: [Int] = [], features: [Float] = []
        var width: Int? = nil
        var header: [String]? = nil
        var lineNo = 0
        var start = 0
        var rows = 0
        while start < b.count {
            var end = start
            while end < b.count, b[end] != 0x0A { end += 1 }
            lineNo += 1
            var lineEnd = end
            if lineEnd > start, b[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            defer { start = end + 1 }
            if lineEnd == start { continue }   // blank line
            // Split on commas.
            var fields: [ArraySlice<UInt8>] = []
            var f0 = start
            for i in start...lineEnd where i == lineEnd || b[i] == 0x2C {
                fields.append(b[f0..<i]); f0 = i + 1
                if fields.count > maxColumns { throw IOError(file, "line \(lineNo): more than \(maxColumns) columns; expected at most \(maxColumns)") }
            }
            if rows == 0 && header == nil && labels.isEmpty && Double(String(decoding: trim(fields[0]), as: UTF8.self)) == nil {
                header = fields.map { String(decoding: trim($0), as: UTF8.self) }
                width = fields.count
                continue
            }
            guard fields.count >= 2 else { throw IOError(file, "line \(lineNo): \(fields.count) column; expected a label and at least one feature") }
            if let w = width, fields.count != w {
                throw IOError(file, "line \(lineNo), column \(min(fields.count, w) + 1): ragged row of \(fields.count) columns; expected \(w)")
            }
            width = fields.count
            for (c, f) in fields.enumerated() {
                let text = trim(f)
                guard let v = Double(String(decoding: text, as: UTF8.self)) else {
                    throw IOError(file, "line \(lineNo), column \(c + 1): '\(inert(String(decoding: text, as: UTF8.self)))' is not a number; expected a decimal number")
                }
                guard v.isFinite else { throw IOError(file, "line \(lineNo), column \(c + 1): \(v) is not finite; expected a finite number") }
                if c == 0 {
                    guard v >= 0, v == v.rounded(), v < 65536 else {
                        throw IOError(file, "line \(lineNo), column 1: label \(v) is not a class index; expected a whole number from 0")
                    }
                    labels.append(Int(v))
                } else {
                    // Features are stored as Float: a Double beyond its range would become Inf.
                    guard Float(v).isFinite else {
                        throw IOError(file, "line \(lineNo), column \(c + 1): \(v) is outside the float32 range; expected a magnitude below 3.4e38")
                    }
                    features.append(Float(v))
                }
            }
            rows += 1
        }
        guard rows > 0, let w = width else { throw IOError(file, "no data rows; expected lines of label,x1,…,xd") }
        return (labels, features, w - 1, header)
    }

    static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, f == 0x20 || f == 0x09 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 { s = s.dropLast() }
        if s.count >= 2, s.first == 0x22, s.last == 0x22 { s = s.dropFirst().dropLast() }
        return s
    }
}
