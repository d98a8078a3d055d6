import BackpropCore
import BackpropData

/// CSV data: one example per row, `label,x1,…,xd`, with an optional header row.
public enum CSV {
    public static let maxColumns = 4096

    /// Parses labels and row-major features; rows must all have the same width. Features are read
    /// in `precision` straight from their digits (17 significant digits round-trip in float64); a
    /// value beyond float32's range is refused in float32 only. A leading UTF-8 byte-order mark is
    /// skipped; control bytes (NUL and the like, other than tab and line ends) are refused.
    public static func parse(_ b: [UInt8], file: String, precision: Precision)
        throws(IOError) -> (labels: [Int], features: Dataset.Features, d: Int, header: [String]?) {
        var labels: [Int] = [], floats: [Float] = [], doubles: [Double] = []
        var width: Int? = nil
        var header: [String]? = nil
        var lineNo = 0
        var start = b.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
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
                if fields.count > maxColumns {
                    throw IOError(file,
                                  "line \(lineNo): more than \(maxColumns) columns; expected at most \(maxColumns)")
                }
            }
            for (c, f) in fields.enumerated() {
                if let bad = f.first(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
                    throw IOError(file,
                                  "line \(lineNo), column \(c + 1): control byte "
                                  + "0x\(String(bad, radix: 16, uppercase: true)); expected text")
                }
            }
            if rows == 0 && header == nil && labels.isEmpty && Double(String(decoding: trim(fields[0]),
                as: UTF8.self)) == nil {
                header = fields.map { String(decoding: trim($0), as: UTF8.self) }
                width = fields.count
                continue
            }
            guard fields.count >= 2 else {
                throw IOError(file, "line \(lineNo): \(fields.count) column; expected a label and at least one feature")
            }
            if let w = width, fields.count != w {
                throw IOError(file,
                              "line \(lineNo), column \(min(fields.count, w) + 1): ragged row of \(fields.count) "
                              + "columns; expected \(w)")
            }
            width = fields.count
            for (c, f) in fields.enumerated() {
                let text = String(decoding: trim(f), as: UTF8.self)
                func notANumber() -> IOError {
                    IOError(file,
                            "line \(lineNo), column \(c + 1): '\(inert(text))' is not a number; expected a decimal "
                            + "number")
                }
                if c == 0 {
                    guard let v = Double(text) else { throw notANumber() }
                    guard v.isFinite else {
                        throw IOError(file, "line \(lineNo), column 1: \(v) is not finite; expected a finite number")
                    }
                    guard v >= 0, v == v.rounded(), v < 65536 else {
                        throw IOError(file,
                                      "line \(lineNo), column 1: label \(v) is not a class index; expected a whole "
                                      + "number from 0")
                    }
                    labels.append(Int(v))
                    continue
                }
                switch precision {
                case .float64:
                    guard let v = Double(text) else { throw notANumber() }
                    guard v.isFinite else {
                        throw IOError(file,
                                      "line \(lineNo), column \(c + 1): \(v) is not finite; expected a finite number")
                    }
                    doubles.append(v)
                case .float32:
                    guard let v = Float(text) else { throw notANumber() }
                    guard v.isFinite else {
                        if let wide = Double(text), wide.isFinite {
                            throw IOError(file,
                                          "line \(lineNo), column \(c + 1): \(text) is outside the float32 range; "
                                          + "expected a magnitude below 3.4e38 (or --precision float64)")
                        }
                        throw IOError(file,
                                      "line \(lineNo), column \(c + 1): \(v) is not finite; expected a finite number")
                    }
                    floats.append(v)
                }
            }
            rows += 1
        }
        guard rows > 0, let w = width else { throw IOError(file, "no data rows; expected lines of label,x1,…,xd") }
        return (labels, precision == .float64 ? .doubles(doubles) : .floats(floats), w - 1, header)
    }

    static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, f == 0x20 || f == 0x09 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 { s = s.dropLast() }
        if s.count >= 2, s.first == 0x22, s.last == 0x22 { s = s.dropFirst().dropLast() }
        return s
    }
}
