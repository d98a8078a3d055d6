import BackpropCore
import BackpropIO
import BackpropData

/// CSV files: `label,x1,…,xd` rows with an optional header, read in both precisions.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for precision in [Precision.float32, .float64] {
        guard let p = try? CSV.parse(bytes, file: "fuzz", precision: precision) else { continue }
        let values: [Double]
        switch p.features {
        case .floats(let f): values = f.map(Double.init)
        case .doubles(let d): values = d
        case .bytes: preconditionFailure("CSV features are numbers, not bytes")
        }
        precondition(values.count == p.labels.count * p.d, "rows and features disagree")
        precondition(p.d <= CSV.maxColumns, "more columns than the cap")
        precondition(values.allSatisfy { $0.isFinite }, "a non-finite feature was accepted")
    }
    return 0
}
