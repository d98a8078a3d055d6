import BackpropCore
import BackpropExplorer
import BackpropIO
import BackpropData

/// Session files: the header, every line kind, and replaying what parses (on the embedded data).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let file = try? Session.parse(bytes) else { return 0 }
    for line in file.lines { precondition((try? Session.decode(Array(Session.encode(line).utf8), line: 2)) != nil, "a line does not round-trip") }
    // Replay a bounded prefix with a small model (a fuzzer's sizes and step counts are capped here).
    let g = Spiral.generate(perClass: 10)   // per input, not a global (see fuzz-repl); small, for speed
    let data = Dataset(name: "spiral", features: .floats(g.features), labels: g.labels, count: 30, d: g.d, classes: 3, imageSide: nil, digest: "fuzz")
    var c = file.header.config
    c.hidden = min(c.hidden, 8); c.batchSize = min(c.batchSize, 16)
    guard var s = try? ExplorerState(config: c, train: data, test: nil) else { return 0 }
    for line in file.lines.prefix(64) {
        guard case .action(_, let a) = line else { continue }
        switch a {
        case .train(let n) where n > 20: Explorer.reduce(into: &s, .train(steps: 20))
        case .trainEpoch: Explorer.reduce(into: &s, .train(steps: 20))
        case .trainStopped(let n) where n > 20: Explorer.reduce(into: &s, .trainStopped(steps: 20))
        case .set(.hidden, let v) where v > 16: continue
        case .set(.batch, let v) where v > 30: continue
        default: Explorer.reduce(into: &s, a)
        }
    }
    _ = Screen.render(s, width: 80, height: 24)
    return 0
}
