import BackpropIO

/// IDX through gzip: the mutated bytes compressed (so inflation reaches the IDX parser), and the
/// raw bytes inflated as they are (so the gzip layer itself sees damaged streams).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for input in [Gzip.compress(bytes), bytes] {
        guard let inflated = try? Gzip.decompress(input, file: "fuzz", limit: { IDXArray.inflateLimit($0) }) else { continue }
        precondition(inflated.count <= IDXArray.inflateLimit(inflated), "inflated past the IDX header's limit")
        _ = try? IDXArray(parsing: inflated, file: "fuzz")
    }
    return 0
}

