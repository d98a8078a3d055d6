import BackpropCore
import BackpropExplorer
import BackpropIO
import BackpropData

/// The `:` command line: typed key by key into the explorer, then Enter; the screen is rendered.
/// Built per input: a global would hold the data inside an enum whose spare pointer bits hide it
/// from the leak checker (a false leak report).
func start() -> ExplorerState {
    let g = Spiral.generate(perClass: 10)   // small: 30 points keep an execution fast
    let data = Dataset(name: "spiral", features: .floats(g.features), labels: g.labels, count: 30, d: g.d, classes: 3, imageSide: nil, digest: "fuzz")
    let c = ExplorerConfig(data: "spiral", dataDigest: "fuzz", hidden: 4, batchSize: 4, lr: 1, lambda: 1e-3, seed: 1)
    return try! ExplorerState(config: c, train: data, test: nil)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: min(size, 4096)), as: UTF8.self)
    var s = start()
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(8) {
        // Commands that would run long are bounded (the fuzzer looks for crashes, not patience).
        if case .success(.action(let a)) = REPL.parse(String(line)) {
            switch a {
            case .train(let n) where n > 20: continue
            case .trainEpoch: continue
            case .set(.hidden, let v) where v > 64: continue
            case .set(.batch, let v) where v > 30: continue
            default: break
            }
        }
        _ = Explorer.handle(.char(":"), &s)
        for ch in line { _ = Explorer.handle(ch == "\t" ? .tab : .char(ch), &s) }
        _ = Explorer.handle(.enter, &s)
    }
    _ = Screen.render(s, width: 80, height: 24)
    return 0
}
