import BackpropCore
import BackpropIO
import Foundation
import Testing
@testable import BackpropExplorer
import BackpropData

@Suite struct SessionTests {
    static let everyAction: [Action] = [
        .stepForward, .stepBackward, .first, .last, .forwardPhase, .backwardPhase, .goto("U1"), .goto("grad_W1"),
        .trainStep, .train(steps: 3), .trainEpoch, .set(.lr, 0.25), .set(.lambda, 1e-5), .set(.batch, 4), .set(.hidden, 6),
        .set(.seed, 42), .reset, .inspect("G'"), .inspect(""), .nextTab, .previousTab, .scroll(rows: -2, cols: 3), .picture(-1),
        .check, .toggleHelp, .toggleProgram, .trainStopped(steps: 3), .dismiss, .mark("a \"quoted\"\nmark ∇"), .quit,
        .explain("grad_W2[0,1]"), .quiz(true), .quiz(false), .answer("8×3"), .producer, .consumer,
        .breakOn("norm(grad_W1) > 2"), .watch("J"), .deleteProbe(2), .listProbes, .edit("W1[0,*] = 0.5"), .undo,
    ]

    @Test func everyActionKindRoundTrips() throws {
        for (i, a) in Self.everyAction.enumerated() {
            let line = Session.Line.action(t: Double(i) * 0.125, a)
            let text = Session.encode(line)
            #expect(!text.contains("\n"))
            #expect(try Session.decode(Array(text.utf8), line: 2) == line, "\(text)")
        }
        // Every case of Action is in the list (a new case must be added to the codec and here).
        #expect(Set(Self.everyAction.map { Session.fields($0)[0].1.string! }).count == 34)
        let d = Session.Line.digest(t: 1.5, Session.Digest(spiralState()))
        #expect(try Session.decode(Array(Session.encode(d).utf8), line: 3) == d)
        let m = Session.Line.marker(t: 2, "G, Hᵀ G, G W2ᵀ at U2")
        #expect(try Session.decode(Array(Session.encode(m).utf8), line: 4) == m)
        // NaN and Inf do not break the writer, and read back as what they were.
        var nan = Session.Digest(spiralState()); nan.J = .nan
        let back = try Session.decode(Array(Session.encode(.digest(t: 0, nan)).utf8), line: 5)
        if case .digest(_, let dd) = back { #expect(dd.J == nil || dd.J!.isNaN) } else { Issue.record("not a digest") }
        let inf = Session.encode(.action(t: 0, .set(.lr, .infinity)))
        #expect(inf.contains("Infinity"))
    }

    @Test func headerRoundTrips() throws {
        let s = spiralState()
        let h = Session.Header(config: s.config, columns: 100, rows: 30, title: "Tour", description: "Figure 6.11, step by step")
        #expect(try Session.decodeHeader(Array(Session.encode(h).utf8)) == h)
        // The loop's settings too: precision, generator, shuffling, initialisation.
        var c = s.config
        c.precision = .float32; c.rng = .xoshiro; c.shuffle = false; c.initScheme = .glorot
        let h2 = Session.Header(config: c, columns: 100, rows: 30)
        #expect(try Session.decodeHeader(Array(Session.encode(h2).utf8)) == h2)
        // A header from before 0.6.0 (none of them) reads as float64, numpy, shuffled, he.
        let old = Session.encode(h).replacingOccurrences(of: #","precision":"float64","rng":"numpy","shuffle":true,"init_scheme":"he""#, with: "")
        #expect(!old.contains("precision"))
        #expect(try Session.decodeHeader(Array(old.utf8)) == h)
        let bad = Session.encode(h).replacingOccurrences(of: #""rng":"numpy""#, with: #""rng":"mt""#)
        #expect(throws: SessionError.self) { try Session.decodeHeader(Array(bad.utf8)) }
    }

    /// A session recorded by folding actions, with digests after every model change.
    func record(_ actions: [Action], from s0: ExplorerState) -> String {
        var s = s0, out = [Session.encode(Session.Header(config: s0.config, columns: 80, rows: 24))]
        for (i, a) in actions.enumerated() {
            let before = s
            Explorer.reduce(into: &s, a)
            out += Session.lines(for: a, at: Double(i), before: before, after: s).map(Session.encode)
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// What a recording holds for an action: the action, the markers it earned, and a digest when it
    /// changed the model or the cursor (looking around adds none).
    @Test func aRecordingHoldsTheActionItsMarkersAndADigest() {
        let s0 = spiralState()
        var s = s0
        Explorer.reduce(into: &s, .last)
        let last = Session.lines(for: .last, at: 1.5, before: s0, after: s)
        #expect(last.count == 3, "the action, the marker of the node it reached, the digest: \(last)")
        #expect(last.first == .action(t: 1.5, .last) && last.last == .digest(t: 1.5, Session.Digest(s)))
        let before = s
        Explorer.reduce(into: &s, .trainStep)
        let update = Session.lines(for: .trainStep, at: 2, before: before, after: s)
        #expect(update.contains { if case .marker(_, let m) = $0 { m.hasPrefix("update 1: J = ") } else { false } })
        let look = Session.lines(for: .nextTab, at: 3, before: s, after: s)
        #expect(look == [.action(t: 3, .nextTab)])
        var t = s0
        Explorer.reduce(into: &t, .stepForward)
        let mark = Session.lines(for: .mark("here"), at: 4, before: t, after: t)
        #expect(mark == [.action(t: 4, .mark("here")), .marker(t: 4, "here")])
    }

    /// The replay controls, without a terminal: playing on the shell's clock, pausing, stepping,
    /// speed, markers, quitting, and which keys take the session over.
    @Test func replayPlayerControls() throws {
        let s0 = spiralState()
        let actions: [Action] = [.stepForward, .mark("one"), .stepForward, .last, .mark("two"), .trainStep]
        let file = try Session.parse(Array(record(actions, from: s0).utf8))
        var p = ReplayPlayer(Replay(file: file, start: s0), now: 0)
        #expect(p.playing && p.replay.index == 0 && p.indicator == "replay 0/\(file.lines.count) ×1 playing")
        // Lines are 1 s apart in the recording (the first at 0): due at once, then a second later.
        let first = p.tick(now: 0)
        #expect(first && p.replay.index == 1)
        let at = p.replay.index, early = p.tick(now: 0.5)
        #expect(!early || file.lines[at].time == file.lines[at - 1].time)
        _ = p.handle(.char("+"), now: 1)
        #expect(p.speed == 2 && p.indicator.contains("×2"))
        for _ in 0..<4 { _ = p.handle(.char("-"), now: 1) }
        #expect(p.speed == 0.25, "clamped at the slowest")
        let paused = p.handle(.char(" "), now: 1)
        #expect(paused?.quit == false && !p.playing && p.indicator.hasSuffix("paused"))
        let whilePaused = p.tick(now: 100)
        #expect(!whilePaused, "paused: nothing plays")
        let i = p.replay.index
        _ = p.handle(.right, now: 1)
        #expect(p.replay.index == i + 1 && !p.playing)
        _ = p.handle(.left, now: 1)
        #expect(p.replay.index == i)
        let toMarker = p.handle(.char("]"), now: 1)
        #expect(toMarker?.status.hasPrefix("marker: ") == true, "\(String(describing: toMarker))")
        #expect(p.handle(.char("q"), now: 1)?.quit == true)
        #expect(p.handle(.char("n"), now: 1) == nil, "other keys take over")
        // Played to the end, it stops; the played lines are the log a take-over continues. A note
        // (a `mark` action: a lesson's explanation) pauses it until space, showing in its box.
        _ = p.handle(.char(" "), now: 1)
        var now = 1.0, notes: [String] = []
        while !p.replay.atEnd {
            now += 10; _ = p.tick(now: now)
            if !p.playing && !p.replay.atEnd {
                #expect(p.atNote)
                notes.append(p.state.lastMark ?? "")
                #expect(Screen.render(p.state, width: 100, height: 30).text.contains("┌─ note"))
                _ = p.handle(.char(" "), now: now)
            }
        }
        #expect(notes == ["two"], "one note left to play")
        #expect(!p.playing && p.replay.atEnd && p.playedLines == file.lines)
        var end = Replay(file: file, start: s0)
        while !end.atEnd { end.forward() }
        #expect(Session.Digest(p.state) == Session.Digest(end.state))
    }

    @Test func replayIsAFoldAndVerifies() throws {
        let s0 = spiralState()
        let actions: [Action] = [.stepForward, .stepForward, .last, .trainStep, .goto("G"), .mark("here"), .train(steps: 4), .stepBackward, .set(.lr, 0.5), .trainStep]
        let file = try Session.parse(Array(record(actions, from: s0).utf8))
        #expect(file.warning == nil)
        #expect(Replay.verify(file: file, start: s0) == nil)
        var r = Replay(file: file, start: s0)
        while !r.atEnd { r.forward() }
        #expect(Session.Digest(r.state) == Session.Digest(applying(actions, to: s0)))
        // Stepping back and forth through the replay lands on the same states.
        let end = Session.Digest(r.state)
        r.seek(to: 3); r.seek(to: file.lines.count)
        #expect(Session.Digest(r.state) == end)
        // One step at a time, each back-propagation node gets its own marker, named after what it produces.
        var s = applying([.backwardPhase], to: s0), names: [String] = []
        while !s.stepper.atEnd {
            let before = s
            Explorer.reduce(into: &s, .stepForward)
            names += Explorer.markers(before: before, after: s, action: .stepForward)
        }
        #expect(names.count == s0.engine.backwardNodes.count)
        for q in ["G, Hᵀ G, G W2ᵀ at U2", "G', Xᵀ G', ∇W1 J, ∇W2 J at U1", "2λW1 at U3", "2λW2 at U5", "backprop at H"] {
            #expect(names.contains(q), "\(q) in \(names)")
        }
        // Markers: back-propagation nodes, updates, and the user's mark.
        let marks = r.markers.map(\.text)
        #expect(marks.contains("here") && marks.contains { $0.hasPrefix("update 1:") } && marks.contains { $0.contains("G W2ᵀ") && $0.hasSuffix(" at U2") }, "\(marks)")
    }

    @Test func tamperingWithOneDigestFailsAtThatLine() throws {
        let s0 = spiralState()
        var lines = record([.stepForward, .trainStep, .stepForward, .trainStep], from: s0).split(separator: "\n").map(String.init)
        let target = lines.indices.filter { lines[$0].contains("\"digest\"") }[2]
        let digest = try Session.decode(Array(lines[target].utf8), line: target + 1)
        guard case .digest(let t, var d) = digest else { Issue.record("not a digest"); return }
        d.sha256 = String(d.sha256.reversed())
        lines[target] = Session.encode(.digest(t: t, d))
        let file = try Session.parse(Array((lines.joined(separator: "\n") + "\n").utf8))
        let m = try #require(Replay.verify(file: file, start: s0))
        #expect(m.line == target + 1)
    }

    @Test func aTornLastLineIsSkippedWithAWarning() throws {
        let text = record([.stepForward, .trainStep], from: spiralState())
        let torn = String(text.dropLast(9))   // cut inside the last line
        let file = try Session.parse(Array(torn.utf8))
        #expect(file.warning?.contains("incomplete") == true)
        #expect(Replay.verify(file: file, start: spiralState()) == nil)
    }

    @Test func badSessionsAreRefusedWithTheLine() {
        let good = record([.stepForward], from: spiralState()).split(separator: "\n").map(String.init)
        func error(_ text: String) -> SessionError? {
            do { _ = try Session.parse(Array(text.utf8)); return nil } catch { return error }
        }
        let cases: [(String, Int, String)] = [
            ("", 1, "empty"),
            ("not json\n", 1, "not JSON"),
            ("[1,2]\n", 1, "expected a JSON object"),
            (good[0].replacingOccurrences(of: "\"version\":1", with: "\"version\":7") + "\n", 1, "format version 7 is not supported"),
            (good[0].replacingOccurrences(of: "backprop-tui session", with: "other") + "\n", 1, "not a backprop-tui session"),
            (good[0] + "\n{\"t\":0,\"action\":\"fly\"}\n" + good[1] + "\n", 2, "unknown action 'fly'"),
            (good[0] + "\n{\"t\":0,\"action\":\"train\",\"steps\":-1}\n", 2, "whole number"),
            (good[0] + "\n{\"action\":\"first\"}\n", 2, "missing time"),
            (good[0] + "\n{\"t\":0,\"digest\":\"abc\",\"position\":0,\"updates\":0}\n", 2, "64 hex digits"),
            (good[0] + "\n{\"t\":0,\"action\":\"first\",\"t\":1}\n", 2, "duplicate"),
            (good[0] + "\n{\"t\":0,\"mark\":\"" + String(repeating: "x", count: 1 << 20) + "\"}\n", 2, "limit is 1 MiB"),
        ]
        for (text, line, words) in cases {
            let e = error(text)
            #expect(e?.line == line && e?.message.contains(words) == true, "\(words): \(e.map(\.message) ?? "accepted")")
        }
    }
}
