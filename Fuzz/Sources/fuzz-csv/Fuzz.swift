import BackpropIO

/// CSV files: `label,x1,…,xd` rows with an optional header.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let p = try? CSV.parse(bytes, file: "fuzz") {
        precondition(p.features.count == p.labels.count * p.d, "rows and features disagree")
        precondition(p.d <= CSV.maxColumns, "more columns than the cap")
        precondition(p.features.allSatisfy { $0.isFinite }, "a non-finite feature was accepted")
    }
    return 0
}
