import BackpropCore
import BackpropIO
import BackpropTraining
import Testing
@testable import BackpropExplorer

/// Training as the live TUI runs it (slices between frames, stopped at any point) against the
/// reducer's one fold: the same states, so that a recorded session replays exactly.
@Suite struct LiveTrainingTests {
    let s0 = spiralState()

    /// Runs `action` in slices of `units` units, as the shell does; `stopAfter` stops it once that
    /// many updates are made. Returns the state and the action the shell records.
    func live(_ s: ExplorerState, _ action: Action, units: Int, stopAfter: Int? = nil) -> (ExplorerState, Action?) {
        var t = s
        t.beginTraining(action)
        while true {
            var n = 0
            let more = t.continueTraining { n += 1; return n < units }
            if let k = stopAfter, (t.training?.done ?? 0) >= k {
                let a = t.finishTraining(stopped: true)
                return (t, a)
            }
            if !more {
                let a = t.finishTraining(stopped: false)
                return (t, a)
            }
        }
    }

    @Test(arguments: [1, 4, 1000]) func slicesEqualTheFold(units: Int) {
        for action: Action in [.train(steps: 160), .trainEpoch, .trainStep] {
            let (t, recorded) = live(s0, action, units: units)
            #expect(recorded == action)
            let r = applying([action], to: s0)
            #expect(Session.Digest(t) == Session.Digest(r), "\(action) in slices of \(units)")
            #expect(t.losses == r.losses && t.accuracyAt == r.accuracyAt && t.trainAccuracy == r.trainAccuracy)
        }
    }

    /// Stopped after some updates: the recorded action is those updates, which replay to the same state.
    @Test func aStoppedTrainingRecordsTheUpdatesMade() {
        let (t, recorded) = live(s0, .train(steps: 1000), units: 7, stopAfter: 90)
        guard case .trainStopped(let k)? = recorded else { Issue.record("recorded \(String(describing: recorded))"); return }
        #expect(k >= 90 && k < 1000 && t.updates == k && t.training == nil)
        #expect(t.status.text.hasPrefix("stopped after \(k) updates of 1000"))
        let r = applying([.trainStopped(steps: k)], to: s0)
        #expect(Session.Digest(t) == Session.Digest(r) && t.losses == r.losses)
        // The session line round-trips.
        let line = Session.encode(.action(t: 1, .trainStopped(steps: k)))
        #expect(line.contains("\"stopped\":true"))
        #expect((try? Session.decode(Array(line.utf8), line: 2)) == .action(t: 1, .trainStopped(steps: k)))
    }

    /// A divergence in any slice ends the training with the update before it, as the fold does.
    @Test func divergenceInSlicesEqualsTheFold() {
        let hot = applying([.set(.lr, 1e6)], to: s0)
        let (t, recorded) = live(hot, .train(steps: 50), units: 3)
        let r = applying([.train(steps: 50)], to: hot)
        #expect(recorded == .train(steps: 50))
        #expect(t.status.isError && t.status.text.contains("not finite"))
        #expect(Session.Digest(t) == Session.Digest(r) && t.W1.isFinite && t.updates < 50)
    }

    /// A replay plays a training line in slices, as the live TUI trained it: the same state as
    /// playing it at once.
    @Test func aReplayPlaysTrainingInSlices() {
        let actions: [Action] = [.stepForward, .train(steps: 90), .trainStopped(steps: 7), .last, .trainEpoch]
        let lines = actions.enumerated().map { Session.Line.action(t: Double($0.offset), $0.element) }
        let file = Session.File(header: Session.Header(config: s0.config, columns: 80, rows: 24), lines: lines,
                                lineNumbers: Array(2..<(2 + lines.count)), warning: nil)
        var sliced = Replay(file: file, start: s0), whole = Replay(file: file, start: s0)
        var slices = 0
        while !sliced.atEnd {
            if sliced.beginTraining() {
                #expect(sliced.isTraining)
                var n = 0
                while sliced.continueTraining(while: { n += 1; return n % 5 != 0 }) { slices += 1 }
            } else { sliced.forward() }
            whole.forward()
            #expect(sliced.index == whole.index && Session.Digest(sliced.state) == Session.Digest(whole.state))
            #expect(sliced.state.losses == whole.state.losses && sliced.state.status == whole.state.status)
        }
        #expect(slices > 20)
    }

    /// After training, stepping goes through the loop's next minibatch with its weights.
    @Test func steppingFollowsTheLoop() {
        let t = applying([.train(steps: 7)], to: s0)
        guard case .float64(let l) = t.run else { Issue.record("float64 expected"); return }
        #expect(t.batch == Array(l.nextBatch) && t.W1.storage == l.state.W1 && t.position == 0)
        #expect(t.engineState.values[t.graph.id("X")!]! == t.train.matrix(rows: t.batch).X)
    }

    /// float32 runs its arithmetic in float32 (the stepper shows those weights in float64, exactly).
    @Test func float32Explorations() {
        var c = s0.config; c.precision = .float32
        let s = try! ExplorerState(config: c, train: s0.train, test: s0.test)
        let t = applying([.trainEpoch], to: s)
        guard case .float32(let l) = t.run else { Issue.record("float32 expected"); return }
        #expect(t.W1.storage == l.state.W1.map { Double($0) } && t.updates == t.batchesPerEpoch)
        #expect(Session.Digest(t) != Session.Digest(applying([.trainEpoch], to: s0)))
    }
}
