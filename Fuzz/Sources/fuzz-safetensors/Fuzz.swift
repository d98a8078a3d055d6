import BackpropIO
import BackpropData

/// safetensors files: header length, JSON header, offsets, dtypes, shapes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let st = try? SafeTensors(parsing: bytes, file: "fuzz") {
        // What was accepted encodes and parses back to the same tensors.
        let again = try? SafeTensors(parsing: st.encoded(), file: "again")
        precondition(again?.tensors.map(\.name) == st.tensors.map(\.name), "safetensors does not round-trip")
        for (name, t) in st.tensors { precondition(again?[name] == t, "tensor \(name) changed") }
    }
    return 0
}
