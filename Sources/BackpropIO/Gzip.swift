import CZlib

/// gzip decompression through zlib, bounded so that a small file cannot inflate without limit.
public enum Gzip {
    /// True when the bytes start with the gzip magic number.
    public static func isGzip(_ b: [UInt8]) -> Bool { b.count >= 2 && b[0] == 0x1F && b[1] == 0x8B }

    /// Inflates a whole gzip stream (concatenated members allowed), failing past `limit` output bytes.
    public static func decompress(_ input: [UInt8], file: String, limit: Int) throws(IOError) -> [UInt8] {
        try decompress(input, file: file) { _ in limit }
    }

    /// Inflates, asking `limit` after every chunk how much output the bytes so far allow
    /// (an IDX header, once read, says exactly how large the data can be); `limit` may also refuse
    /// the file outright from those first bytes, before the rest is inflated.
    public static func decompress(_ input: [UInt8], file: String,
                                  limit: ([UInt8]) throws(IOError) -> Int) throws(IOError) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(min(try limit([]), input.count * 8))
        var strm = z_stream()
        guard bp_inflate_init_gzip(&strm) == Z_OK else { throw IOError(file, "zlib could not start", kind: .io) }
        defer { inflateEnd(&strm) }
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var failure: IOError?
        input.withUnsafeBufferPointer { inp in
            strm.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
            strm.avail_in = UInt32(inp.count)
            while true {
                let rc: Int32 = chunk.withUnsafeMutableBufferPointer { c in
                    strm.next_out = c.baseAddress; strm.avail_out = UInt32(c.count)
                    return inflate(&strm, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(strm.avail_out)
                out.append(contentsOf: chunk[0..<produced])
                let cap: Int
                do throws(IOError) { cap = try limit(out) } catch { failure = error; return }
                if out.count > cap {
                    failure = IOError(file,
                                      "decompresses to more than \(cap) bytes; expected no more than its header "
                                      + "implies"); return
                }
                // Before the next chunk could overflow (then `append` would double the buffer itself):
                // room for all the output the bytes so far allow, at once (growing by doubling copied
                // up to 32 MB into a 64 MB buffer for Fashion-MNIST, both alive: peak RSS), but never
                // more than deflate's best ratio (1032:1) could make of the input: a small file that
                // declares a huge size gets no huge buffer.
                if out.capacity < cap && out.capacity - out.count < chunk.count {
                    out.reserveCapacity(max(min(cap, input.count &* 1032), min(cap, out.count * 2)))
                }
                if rc == Z_STREAM_END {
                    if strm.avail_in == 0 { return }
                    // Another gzip member follows (as `cat a.gz b.gz` makes): keep going.
                    if inflateReset(&strm) != Z_OK { failure = IOError(file, "corrupt gzip member"); return }
                    continue
                }
                if rc == Z_DATA_ERROR {
                    let why = strm.msg.map { String(cString: $0) } ?? "corrupt data"
                    failure = IOError(file, "gzip data error (\(why)); expected an intact .gz file"); return
                }
                if rc == Z_BUF_ERROR || (rc == Z_OK && strm.avail_in == 0 && produced == 0) {
                    failure = IOError(file, "truncated gzip stream after \(out.count) bytes; "
                                            + "expected a complete .gz file")
                    return
                }
                if rc != Z_OK { failure = IOError(file, "gzip error \(rc)"); return }
            }
        }
        if let f = failure { throw f }
        return out
    }

    /// gzip-compresses `input` in one go (for the fuzzer's harness and fixtures).
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        var strm = z_stream()
        guard bp_deflate_init_gzip(&strm) == Z_OK else { return [] }
        defer { deflateEnd(&strm) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&strm, UInt(input.count))) + 64)
        var inp = input
        let n: Int = inp.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                strm.next_in = i.baseAddress; strm.avail_in = UInt32(i.count)
                strm.next_out = o.baseAddress; strm.avail_out = UInt32(o.count)
                _ = deflate(&strm, Z_FINISH)
                return o.count - Int(strm.avail_out)
            }
        }
        return Array(out[0..<n])
    }
}
