import BackpropCore

/// Graph text: parse, print, parse again; what parses prints to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let g = try? Graph(parsing: text) {
        let again = try? Graph(parsing: g.description)
        precondition(again == g, "graph text does not round-trip")
        _ = try? Engine<Double>(graph: g, constants: Dictionary(uniqueKeysWithValues: g.constantNames.map { ($0, 0.5) }))
    }
    return 0
}
