import BackpropIO

/// IDX headers and data as they come from disk (already decompressed).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let a = try? IDXArray(parsing: bytes, file: "fuzz") {
        precondition(a.dims.reduce(1, *) == a.bytes.count, "dims and data disagree")
        precondition(a.encoded == bytes, "IDX does not round-trip")
    }
    return 0
}
