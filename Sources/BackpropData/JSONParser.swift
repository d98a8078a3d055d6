import BackpropCore

/// A strict JSON parser over bytes, with a depth limit and byte offsets in its errors.
public struct JSONParser {
    public struct Failure: Error, Equatable { public var offset: Int; public var message: String }
    let b: [UInt8]
    var i = 0
    let maxDepth: Int

    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(Failure) -> JSON {
        var p = JSONParser(b: bytes, maxDepth: maxDepth)
        p.space()
        let v = try p.value(depth: 0)
        p.space()
        guard p.i == p.b.count else { throw Failure(offset: p.i, message: "trailing characters after the JSON value") }
        return v
    }

    mutating func space() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
    func fail(_ m: String) -> Failure { Failure(offset: i, message: m) }

    mutating func value(depth: Int) throws(Failure) -> JSON {
        guard depth < maxDepth else { throw fail("nested deeper than \(maxDepth)") }
        guard i < b.count else { throw fail("unexpected end; expected a value") }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1; space()
            var kv: [(String, JSON)] = []
            var seen = Set<String>()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(kv) }
            while true {
                space()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let at = i
                let k = try string()
                guard seen.insert(k).inserted else {
                    throw Failure(offset: at, message: "duplicate key \"\(inert(k))\"")
                }
                space()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1; space()
                kv.append((k, try value(depth: depth + 1)))
                space()
                guard i < b.count else { throw fail("unexpected end; expected ',' or '}'") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(kv) }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1; space()
            var a: [JSON] = []
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            while true {
                space()
                a.append(try value(depth: depth + 1))
                space()
                guard i < b.count else { throw fail("unexpected end; expected ',' or ']'") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    mutating func literal(_ s: String) throws(Failure) {
        let u = Array(s.utf8)
        guard i + u.count <= b.count, Array(b[i..<(i + u.count)]) == u else {
            throw fail("invalid literal; expected \(s)")
        }
        i += u.count
    }

    mutating func number() throws(Failure) -> Double {
        let start = i
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int { let s = i; while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }; return i - s }
        guard digits() > 0 else {
            throw Failure(offset: start,
                          message: "invalid value; expected a number, string, object, array, true, false or null")
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw fail("expected digits after '.'") }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("expected exponent digits") }
        }
        guard let d = Double(String(decoding: b[start..<i], as: UTF8.self)) else {
            throw Failure(offset: start, message: "bad number")
        }
        return d
    }

    mutating func string() throws(Failure) -> String {
        i += 1
        var out = [UInt8]()
        while true {
            guard i < b.count else { throw fail("unterminated string") }
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c < 0x20 { throw fail("control character in string") }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < b.count else { throw fail("unterminated escape") }
                switch b[i] {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard i + 2 < b.count, b[i + 1] == UInt8(ascii: "\\"), b[i + 2] == UInt8(ascii: "u") else {
                            throw fail("unpaired surrogate")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("bad low surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) { throw fail("unpaired surrogate") }
                    out += Array(String(Character(Unicode.Scalar(code)!)).utf8)
                default: throw fail("bad escape")
                }
                i += 1
            } else { out.append(c); i += 1 }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
        return s
    }

    mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 < b.count else { throw fail("short \\u escape") }
        var v: UInt32 = 0
        for k in 1...4 {
            let c = b[i + k]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x37)
            case 0x61...0x66: d = UInt32(c - 0x57)
            default: throw fail("bad hex digit in \\u escape")
            }
            v = v << 4 | d
        }
        i += 4
        return v
    }
}
