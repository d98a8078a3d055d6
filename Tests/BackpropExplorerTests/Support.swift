import BackpropCore
import BackpropIO
import Foundation
import BackpropTraining
@testable import BackpropExplorer

/// The TUI's default exploration on the embedded spirals, with a fixed seed.
func spiralState(seed: UInt64 = 7, hidden: Int = ExplorerConfig.defaultHidden, batch: Int = ExplorerConfig.defaultBatch) -> ExplorerState {
    let src = try! DataSource.load("spiral")
    let c = ExplorerConfig(data: "spiral", dataDigest: src.train.digest, hidden: hidden, batchSize: batch,
                           lr: ExplorerConfig.defaultLR, lambda: ExplorerConfig.defaultLambda, seed: seed)
    return try! ExplorerState(config: c, train: src.train, test: src.test)
}

/// The loop's order of the current epoch (the explorer's runs are float64 unless a test says).
func order(_ s: ExplorerState) -> [Int] {
    switch s.run { case .float64(let l): l.state.order; case .float32(let l): l.state.order }
}

func applying(_ actions: [Action], to s: ExplorerState) -> ExplorerState {
    var t = s
    for a in actions { Explorer.reduce(into: &t, a) }
    return t
}

/// Golden files live in Tests/BackpropExplorerTests/Golden; BACKPROP_UPDATE_GOLDEN=1 rewrites them.
enum Golden {
    static var directory: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden") }

    static func check(_ name: String, _ grid: CellGrid) -> (ok: Bool, message: String) {
        let url = directory.appendingPathComponent(name + ".txt")
        let actual = grid.text + "\n"
        if ProcessInfo.processInfo.environment["BACKPROP_UPDATE_GOLDEN"] == "1" {
            try! actual.write(to: url, atomically: true, encoding: .utf8)
            return (true, "updated")
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else { return (false, "missing golden \(url.path); run with BACKPROP_UPDATE_GOLDEN=1") }
        if expected == actual { return (true, "") }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false), a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let i = (0..<min(e.count, a.count)).first { e[$0] != a[$0] } ?? min(e.count, a.count)
        return (false, "\(name): first difference at line \(i + 1)\nexpected: \(i < e.count ? String(e[i]) : "<none>")\nactual:   \(i < a.count ? String(a[i]) : "<none>")\nwhole screen:\n\(actual)")
    }
}

/// Figure 6.11's two parameters, as the tests name them.
extension ExplorerState {
    var W1: Matrix<Double> { params.first { $0.name == "W1" }!.value }
    var W2: Matrix<Double> { params.first { $0.name == "W2" }!.value }
}

extension LoopState {
    var W1: [T] { params[0] }
    var W2: [T] { params[1] }
}
