import BackpropExplorer
import BackpropIO
import BackpropTraining
import BackpropData
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The interactive loop: keys in, actions through the reducer, frames out; recording and replay
/// around it. All logic lives in the reducer; this file only moves data between it and the world.
final class App {
    var state: ExplorerState
    /// The configuration the session started from and everything applied since (a session's log).
    let initial: ExplorerState
    var log: [Session.Line] = []
    /// The replay being watched, until the user takes the session over.
    var player: ReplayPlayer?
    var recorder: SessionRecorder?
    let recordPath: String?
    let title: String?, description: String?
    let clock = ContinuousClock.now
    /// Time offset of the log (a replay taken over continues the recording's times).
    var base = 0.0

    let term: Terminal

    init(term: Terminal, start: ExplorerState, replay: Replay?, recordPath: String?, title: String?,
         description: String?) throws(Failure) {
        self.term = term
        state = start; initial = start
        self.recordPath = recordPath; self.title = title; self.description = description
        player = replay.map { ReplayPlayer($0, now: 0) }
    }

    /// Seconds since the app started (the replay's clock).
    var elapsed: Double { App.seconds(ContinuousClock.now - clock) }
    /// The log's time now.
    var now: Double { base + elapsed }

    /// BACKPROP_TUI_FAULT=trap makes the first frame crash (tests check the terminal comes back);
    /// `pause:PATH` waits after it, before reading keys, until PATH exists (at most a minute): a
    /// test types into that window, then makes the file.
    static let fault = ProcessInfo.processInfo.environment["BACKPROP_TUI_FAULT"]

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// The state before the training under way began (its action is logged against it).
    var trainingBefore: ExplorerState?
    /// Keys typed while a training ran, applied once it has ended.
    var typedAhead: [Key] = []
    /// Examples per second the slices of the training under way have run at.
    var samplesPerSecond: Double?
    static let sliceSeconds = 0.04

    var chrome: Chrome {
        Chrome(recording: recorder?.path, replay: player?.indicator, samplesPerSecond: samplesPerSecond,
               keysWaiting: typedAhead.count)
    }

    func run() throws(Failure) {
        if player == nil, let p = recordPath { startRecording(p, term) }
        // A signal ends the program within a second even if a slice of training were to take longer.
        Signals.endWithin(1) { Terminal.restoreFromSignal() }
        var dirty = true
        var quickErrors = 0
        var gate = App.fault.flatMap { $0.hasPrefix("pause:") ? String($0.dropFirst(6)) : nil }
        var interruptKey = false
        loop: while true {
            if dirty {
                term.draw(Screen.render(state, width: term.width, height: term.height, options: term.options,
                                        chrome: chrome))
                dirty = false
                // For the terminal-restore test: a Swift trap with the screen taken over.
                if App.fault == "trap" { fatalError("injected fault (BACKPROP_TUI_FAULT=trap)") }
                if let g = gate {
                    gate = nil
                    for _ in 0..<6000 where access(g, F_OK) != 0 { usleep(10_000) }
                }
            }
            if Signals.pending != 0 { break }
            if var p = player, p.isTraining {
                // A replayed training, in slices like a live one: q quits, Ctrl-C ends, other keys wait.
                let end = ContinuousClock.now + .milliseconds(Int(App.sliceSeconds * 1000))
                let proceed = { ContinuousClock.now < end && !self.term.inputPending() && Signals.pending == 0 }
                _ = p.continueTraining(while: proceed, now: elapsed)
                player = p; state = p.state
                dirty = true
                while p.isTraining, let key = term.readKey(milliseconds: 0) {
                    switch key {
                    case .char("q"): break loop
                    case .interrupt: interruptKey = true; break loop
                    case .resize: break
                    default: if typedAhead.count < 256 { typedAhead.append(key) }
                    }
                }
                continue
            }
            if state.training != nil {
                trainSlice()
                dirty = true
                // Keys between slices, without waiting: Esc or Ctrl-C stop, q stops and quits; others
                // wait until the training ends (typed ahead, none is lost).
                while state.training != nil, let key = term.readKey(milliseconds: 0) {
                    switch key {
                    case .escape, .interrupt: endTraining(stopped: true); typedAhead.removeAll()
                    case .char("q") where state.prompt == nil:
                        endTraining(stopped: true); break loop
                    case .resize: break
                    default: if typedAhead.count < 256 { typedAhead.append(key) }
                    }
                }
                continue
            }
            let wait = ContinuousClock.now
            let key = typedAhead.isEmpty ? term.readKey(milliseconds: player?.playing == true ? 20 : 200)
                : typedAhead.removeFirst()
            guard let key else {
                // A blocking read that fails at once, again and again, means the terminal is gone.
                quickErrors = ContinuousClock.now - wait < .milliseconds(5) ? quickErrors + 1 : 0
                if quickErrors > 50 { break }
                if advanceReplay() { dirty = true }
                continue
            }
            quickErrors = 0
            dirty = true
            if key == .resize { continue }
            // Ctrl-C (the terminal is raw, so it is a key): what SIGINT would do.
            if key == .interrupt { interruptKey = true; break }
            if var p = player {
                if let (status, quit) = p.handle(key, now: elapsed) {
                    if quit { break }
                    player = p; state = p.state
                    if !status.isEmpty { state.status = .init(status) }
                    continue
                }
                takeOver(term)
            }
            let before = state
            for outcome in Explorer.handle(key, &state, live: true) {
                switch outcome {
                case .applied(.quit): break   // not part of the session: a replay should not end itself
                case .applied(let a): logApplied(a, before: before)
                case .training: trainingBefore = before; samplesPerSecond = nil
                case .record(let path): toggleRecording(path, term)
                case .save(let path): save(path)
                }
            }
            if state.quit { break }
        }
        // A training a signal cut short is recorded with the updates it made.
        if state.training != nil { endTraining(stopped: true) }
        term.close()
        let sig = Signals.pending
        if sig != 0 { throw .interrupted(signal: sig) }
        if interruptKey { throw .interrupted(signal: SIGINT) }
    }

    /// One slice of the training under way: units until `sliceSeconds` have passed or a key waits.
    func trainSlice() {
        let start = ContinuousClock.now, before = state.training?.done ?? 0
        let end = start + .milliseconds(Int(App.sliceSeconds * 1000))
        let more = state.continueTraining { ContinuousClock.now < end && !term.inputPending() && Signals.pending == 0 }
        let dt = App.seconds(ContinuousClock.now - start)
        let made = (state.training?.done ?? before) - before
        if made > 0 && dt > 0 {
            let rate = Double(made * state.config.batchSize) / dt
            samplesPerSecond = samplesPerSecond.map { 0.7 * $0 + 0.3 * rate } ?? rate
        }
        if !more { endTraining(stopped: false) }
    }

    /// Ends the training under way and logs the action that reproduces it.
    func endTraining(stopped: Bool) {
        guard let before = trainingBefore else { state.training = nil; return }
        trainingBefore = nil; samplesPerSecond = nil
        guard let a = state.finishTraining(stopped: stopped) else { return }
        if case .trainStopped(0) = a { return }   // nothing happened
        logApplied(a, before: before)
    }

    /// `:save FILE`: the loop as a checkpoint in --batch's format.
    func save(_ path: String) {
        let bytes: [UInt8]
        switch state.run {
        case .float32(let l): bytes = Checkpoint.encoded(l)
        case .float64(let l): bytes = Checkpoint.encoded(l)
        }
        do throws(IOError) {
            try AtomicFile.write(bytes, to: path)
            let c = state.config
            let flags = "--hidden \(c.hidden) --batch-size \(c.batchSize) --lr \(formatted(c.lr)) --lambda "
                + "\(formatted(c.lambda)) --seed \(c.seed) --rng \(c.rng.rawValue) --precision \(c.precision.rawValue)"
                + (c.graph != nil ? " --graph FILE (this graph; the checkpoint holds its text)" : "")
            state.status = .init("saved update \(state.updates) to \(path); continue with --batch --resume \(path) "
                                 + flags)
        } catch {
            state.status = .init("cannot save: \(error)", isError: true)
        }
    }

    func formatted(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)" }

    /// Adds an applied action's lines to the log and to the recording.
    func logApplied(_ a: Action, before: ExplorerState) {
        let lines = Session.lines(for: a, at: now, before: before, after: state)
        log += lines
        guard let r = recorder else { return }
        do throws(IOError) { try r.append(lines) } catch {
            recorder = nil
            state.status = .init("recording stopped: \(error)", isError: true)
        }
    }

    func startRecording(_ path: String, _ term: Terminal) {
        let h = Session.Header(config: initial.config, columns: term.width, rows: term.height, title: title,
                               description: description)
        do throws(IOError) {
            recorder = try SessionRecorder(path: path, header: h, log: log)
            state.status = .init("recording to \(path) (r or :record stops)")
        } catch {
            state.status = .init("cannot record: \(error)", isError: true)
        }
    }

    func toggleRecording(_ path: String?, _ term: Terminal) {
        if let r = recorder, path == nil || path == r.path {
            recorder = nil
            state.status = .init("recording saved to \(r.path)")
            return
        }
        recorder = nil
        let stamp = Int(Date().timeIntervalSince1970)
        startRecording(path ?? "session-\(stamp).jsonl", term)
    }

    // MARK: Replay

    /// Plays the next line when it is due; true if the screen changed.
    func advanceReplay() -> Bool {
        guard var p = player, p.tick(now: elapsed) else { return false }
        player = p; state = p.state
        if !p.playing && p.replay.atEnd { state.status = .init("end of the session: any key takes over, q quits") }
        else if !p.playing && p.atNote { state.status = .init("paused at a note: space goes on, ← → one action") }
        return true
    }

    /// The user takes over: the session goes live from here, keeping the replayed lines as its log.
    func takeOver(_ term: Terminal) {
        guard let p = player else { return }
        log = p.playedLines
        base = (log.last?.time ?? 0) - now + base
        player = nil
        state.status = .init("live: you have taken over the session (r records this branch)")
        if let path = recordPath { startRecording(path, term) }
    }
}
