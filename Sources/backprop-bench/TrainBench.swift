import BackpropCore
import BackpropData
import BackpropExplorer
import BackpropIO
import BackpropTraining
import Foundation

/// One epoch trained by the TUI against the same epoch as `--batch` trains it, side by side, in
/// float64 and float32: the TUI's way (a slice of the loop, then a frame rendered into a 120×40
/// grid, as `App` does; no terminal) against the loop driven to the end. Also the TUI's frame
/// gaps during training and how long a stop takes.
enum TrainBench {
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func run(threads: Int, rounds: Int) {
        guard let src = try? DataSource.load("fashion-mnist") else {
            print("tui-epoch: needs fashion-mnist (apt-get install dataset-fashion-mnist)")
            return
        }
        print("== one epoch of Fashion-MNIST 784-256-10, m = 128, \(threads) thread\(threads == 1 ? "" : "s"): "
              + "--batch's loop vs the TUI's slices (best of \(rounds))")
        for precision in [Precision.float64, .float32] {
            let c = ExplorerConfig(data: "fashion-mnist", dataDigest: src.train.digest, hidden: 256, batchSize: 128,
                                   lr: 0.1, lambda: 1e-4, seed: 1234, precision: precision, rng: .numpy)
            var batch = Double.infinity, tui = Double.infinity, gaps: [Double] = [], stops: [Double] = []
            for _ in 0..<rounds {
                batch = min(batch, batchEpoch(c, src, threads: threads))
                let t = tuiEpoch(c, src, threads: threads)
                tui = min(tui, t.seconds); gaps += t.gaps
                stops.append(stopTime(c, src, threads: threads))
            }
            gaps.sort()
            print(String(format: "  %@: --batch %.3f s (%.0f samples/s), TUI %.3f s (%.0f samples/s): TUI/batch %.2f×; "
                                 + "frame gap median %.0f ms, max %.0f ms; Esc → stopped max %.1f ms",
                         precision.rawValue, batch, 60000 / batch, tui, 60000 / tui, tui / batch,
                         gaps[gaps.count / 2] * 1e3, gaps.last! * 1e3, (stops.max() ?? 0) * 1e3))
        }
    }

    /// The epoch as `--batch` makes it: the loop driven to the epoch's end, its accuracy measured.
    static func batchEpoch(_ c: ExplorerConfig, _ src: DataSource, threads: Int) -> Double {
        func go<T: Real>(_: T.Type) -> Double {
            var loop = try! TrainingLoop<T>(graph: Figure611.graph, train: src.train, test: src.test,
                                            settings: c.settings(threads: threads))
            let t0 = now()
            while loop.state.step < loop.updatesPerEpoch || loop.state.isMeasuring { _ = loop.advance() }
            loop.sync()
            return now() - t0
        }
        return c.precision == .float64 ? go(Double.self) : go(Float.self)
    }

    /// The epoch as the TUI's `e` makes it: slices of about 40 ms, a frame after each.
    static func tuiEpoch(_ c: ExplorerConfig, _ src: DataSource,
                         threads: Int) -> (seconds: Double, gaps: [Double]) {
        var s = try! ExplorerState(config: c, train: src.train, test: src.test, threads: threads)
        var grid = Screen.render(s, width: 120, height: 40)
        let t0 = now()
        var last = t0, gaps: [Double] = []
        s.beginTraining(.trainEpoch)
        while true {
            let end = now() + 0.04
            let more = s.continueTraining { now() < end }
            grid = Screen.render(s, width: 120, height: 40, chrome: Chrome(samplesPerSecond: 1))
            gaps.append(now() - last); last = now()
            if !more { break }
        }
        s.finishTraining(stopped: false)
        grid = Screen.render(s, width: 120, height: 40)
        _ = grid
        return (now() - t0, gaps)
    }

    /// From Esc (between two slices, as the TUI reads keys) to the stopped state on screen.
    static func stopTime(_ c: ExplorerConfig, _ src: DataSource, threads: Int) -> Double {
        var s = try! ExplorerState(config: c, train: src.train, test: src.test, threads: threads)
        s.beginTraining(.train(steps: 100_000))
        for _ in 0..<5 { var n = 0; _ = s.continueTraining { n += 1; return n < 10 } }
        let a = now()
        s.finishTraining(stopped: true)
        _ = Screen.render(s, width: 120, height: 40)
        return now() - a
    }
}
