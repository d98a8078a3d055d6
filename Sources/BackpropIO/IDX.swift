import BackpropData
/// The IDX format of MNIST-like data sets: big-endian header, dims, then unsigned bytes.
public struct IDXArray: Sendable, Equatable {
    public var dims: [Int]
    public var bytes: [UInt8]
    public init(dims: [Int], bytes: [UInt8]) { self.dims = dims; self.bytes = bytes }

    /// Most elements any IDX file may declare (the largest data sets of this kind are far below).
    /// The most elements (bytes) an IDX file may declare: 1 GiB, stated in `--help`.
    public static let maxElements = 1 << 30

    /// Parses an IDX file's bytes (already decompressed); only the unsigned-byte type (0x08) is read.
    /// The bytes are taken over: the data are the file's bytes with the header removed in place, so
    /// a 47 MB file does not need a second 47 MB buffer (peak RSS).
    public init(parsing b: consuming [UInt8], file: String) throws(IOError) {
        guard b.count >= 4 else {
            throw IOError(file, "file is \(b.count) bytes; expected an IDX header of at least 4")
        }
        guard b[0] == 0, b[1] == 0 else {
            throw IOError(file, "bad magic number \(hex(b[0..<4])); expected 00 00 08 0N (IDX of unsigned bytes)")
        }
        guard b[2] == 0x08 else {
            throw IOError(file, "IDX element type 0x\(String(b[2], radix: 16)); expected 0x08 (unsigned byte)")
        }
        let rank = Int(b[3])
        guard (1...4).contains(rank) else { throw IOError(file, "IDX rank \(rank); expected 1 to 4") }
        let headerSize = 4 + 4 * rank
        guard b.count >= headerSize else {
            throw IOError(file, "truncated IDX header (\(b.count) bytes); expected \(headerSize)")
        }
        var dims: [Int] = []
        var total = 1
        for i in 0..<rank {
            let o = 4 + 4 * i
            let d = Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3])
            dims.append(d)
            total = total.multipliedReportingOverflow(by: d).partialValue
            guard total <= Self.maxElements else {
                throw IOError(file, "IDX dims \(dims) declare too many elements; expected at most \(Self.maxElements)")
            }
        }
        guard b.count - headerSize == total else {
            let what = b.count - headerSize < total ? "truncated" : "has trailing bytes"
            throw IOError(file,
                          "IDX data \(what): \(b.count - headerSize) bytes for dims "
                          + "\(dims.map(String.init).joined(separator: "×")); expected \(total)")
        }
        self.dims = dims
        b.removeSubrange(0..<headerSize)
        bytes = b
    }

    /// The IDX header of these dims (magic number and sizes): `encoded` is this followed by `bytes`.
    public var header: [UInt8] {
        var out: [UInt8] = [0, 0, 8, UInt8(dims.count)]
        for d in dims { out += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
        return out
    }

    /// The IDX encoding (for tests and fixtures).
    public var encoded: [UInt8] { header + bytes }

    /// How many bytes the inflated file may have, given its first bytes: what a valid header declares
    /// plus slack for a better message (1 MiB until the header is complete or when it is invalid).
    public static func inflateLimit(_ prefix: [UInt8]) -> Int {
        guard let dims = declaredDims(prefix) else { return 1 << 20 }
        return 4 + 4 * dims.count + min(maxElements, elements(dims)) + 4096
    }

    /// The dims a complete header declares, or nil while the header is incomplete or invalid.
    static func declaredDims(_ prefix: [UInt8]) -> [Int]? {
        guard prefix.count >= 4, prefix[0] == 0, prefix[1] == 0 else { return nil }
        let rank = Int(prefix[3])
        guard (1...4).contains(rank), prefix.count >= 4 + 4 * rank else { return nil }
        return (0..<rank).map { i in
            let o = 4 + 4 * i
            return Int(prefix[o]) << 24 | Int(prefix[o + 1]) << 16 | Int(prefix[o + 2]) << 8 | Int(prefix[o + 3])
        }
    }

    /// The product of the dims, saturating at Int.max.
    static func elements(_ dims: [Int]) -> Int {
        dims.reduce(1) { t, d in let (p, o) = t.multipliedReportingOverflow(by: d); return o ? .max : p }
    }

    /// Reads `path`, gunzipping when it is gzip; the output may not exceed what a valid header allows.
    /// `check(dims)` runs as soon as the header is read, before the data are inflated: a file whose
    /// header is refused costs no more than its first bytes.
    public static func load(_ path: String,
                            check: ([Int]) throws(IOError) -> Void = { _ in }) throws(IOError) -> IDXArray {
        var raw = try FileBytes.read(path)
        if Gzip.isGzip(raw) {
            // Inflate no further than the header, once read, allows (plus slack for a better message).
            var checked = false
            let data = try Gzip.decompress(raw, file: path) { (prefix: [UInt8]) throws(IOError) -> Int in
                if !checked, let dims = declaredDims(prefix) {
                    checked = true
                    if elements(dims) > maxElements {
                        throw IOError(path, "IDX dims \(dims) declare \(elements(dims)) elements; "
                                            + "expected at most \(maxElements)")
                    }
                    try check(dims)
                }
                return inflateLimit(prefix)
            }
            raw = []   // the compressed bytes are not needed while the data are checked
            return try IDXArray(parsing: consume data, file: path)
        }
        let array = try IDXArray(parsing: consume raw, file: path)
        try check(array.dims)
        return array
    }
}

func hex(_ b: ArraySlice<UInt8>) -> String { b.map { String(hexByte: $0) }.joined(separator: " ") }
