import BackpropCore
import BackpropExplorer
import BackpropIO
import Foundation
import BackpropData

/// The TUI's speed without a terminal: key to redrawn frame (reducer plus render into a 120×40
/// grid) for each key of a walk through one step, and the time from start to the first frame.
enum FrameBench {
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func run() {
        print("== TUI frame time (reducer + render, 120×40, no terminal)")
        measure("spiral 3-8-3, m = 8 (the default)", data: "spiral", hidden: 8, batch: 8)
        if (try? DataSource.load("fashion-mnist")) != nil {
            measure("fashion-mnist 784-256-10, m = 128", data: "fashion-mnist", hidden: 256, batch: 128)
        } else {
            print("  fashion-mnist not installed: 784-256-10 on synthetic 28×28 images instead")
            measure("synthetic 784-256-10, m = 128", data: nil, hidden: 256, batch: 128)
        }
    }

    static func synthetic() -> DataSource {
        var rng = SeededGenerator(seed: 5)
        let n = 2048
        let train = Dataset(name: "synthetic",
                            features: .bytes((0..<(n * 784)).map { _ in UInt8(rng.nextIndex(below: 256)) }),
                            labels: (0..<n).map { _ in UInt8(rng.nextIndex(below: 10)) }, count: n, d: 784, classes: 10,
                            imageSide: 28, digest: "synthetic")
        return DataSource(train: train, test: nil)
    }

    static func measure(_ name: String, data: String?, hidden: Int, batch: Int) {
        let t0 = now()
        let src = data.flatMap { try? DataSource.load($0) } ?? synthetic()
        let c = ExplorerConfig(data: data ?? "synthetic", dataDigest: src.train.digest, hidden: hidden,
                               batchSize: batch, lr: 0.1, lambda: 1e-3, seed: 1)
        var s = try! ExplorerState(config: c, train: src.train, test: src.test)
        var grid = Screen.render(s, width: 120, height: 40)
        let first = now() - t0
        // A walk: every step forward, every step back, the matrices of the end, one update.
        let keys: [Key] = Array(repeating: .right, count: s.stepCount) + [.tab, .tab, .char("c"), .escape]
            + Array(repeating: .left, count: s.stepCount) + [.char("n")]
        var times: [Double] = []
        var slowest: [String: Double] = [:]
        for _ in 0..<3 {
            for k in keys {
                let a = now()
                _ = Explorer.handle(k, &s)
                grid = Screen.render(s, width: 120, height: 40)
                times.append(now() - a)
                slowest["\(k)"] = max(slowest["\(k)", default: 0], now() - a)
            }
        }
        times.sort()
        let mean = times.reduce(0, +) / Double(times.count)
        print(String(format: "  %@: key → frame mean %.2f ms, median %.2f ms, p99 %.2f ms, max %.2f ms over %d keys; "
                             + "first frame %.0f ms after start (data load included)",
                     name, mean * 1e3, times[times.count / 2] * 1e3, times[times.count * 99 / 100] * 1e3,
                     times.last! * 1e3, times.count, first * 1e3))
        _ = grid
        let worst = slowest.sorted { $0.value > $1.value }.prefix(4)
        let slowestTimes = worst.map { String(format: "%@ %.1f ms", $0.key, $0.value * 1e3) }
        print("    slowest by key: " + slowestTimes.joined(separator: ", "))
    }
}
