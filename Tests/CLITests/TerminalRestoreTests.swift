import Foundation
import BackpropCore
import Testing

/// The TUI gives the terminal back however it ends. Each catchable path runs
/// BACKPROP_RESTORE_RUNS times (3 by default; the figure in docs/hardening.md used 20).
@Suite(.serialized, .enabled(if: Tmux.available, "tmux is needed"))
struct TerminalRestoreTests {
    static let runs = Int(ProcessInfo.processInfo.environment["BACKPROP_RESTORE_RUNS"] ?? "") ?? 3

    enum Ending: String, CaseIterable { case q, sigint, sigterm, sighup, sigquit, trap, startupError }

    /// Runs the TUI in a shell in tmux, ends it one way, and checks the terminal is as before.
    func endOnce(_ ending: Ending) -> (ok: Bool, why: String) {
        let dir = tempDir()
        var env = "LANG=C.UTF-8", args = "--seed 7"
        if ending == .trap { env += " BACKPROP_TUI_FAULT=trap" }
        if ending == .startupError { args = "--data \(dir)/missing" }
        let script = "stty -a > \(dir)/before; \(env) \(Binary.path) \(args) < /dev/tty & echo $! > \(dir)/pid; wait $!; echo $? > \(dir)/rc; "
            + "stty -a > \(dir)/after; printf AFTER; sleep 60"
        let t = Tmux(width: 100, height: 30, command: "sh -c '\(script)'")
        defer { t.kill() }
        if ending != .trap && ending != .startupError {
            let s = t.wait { $0.contains("step 0/22") }
            guard s.contains("step 0/22") else { return (false, "did not start:\n\(s)") }
        }
        let pid = Int32(((try? String(contentsOfFile: "\(dir)/pid", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        switch ending {
        case .q: t.keys("q")
        case .sigint: kill(pid, SIGINT)
        case .sigterm: kill(pid, SIGTERM)
        case .sighup: kill(pid, SIGHUP)
        case .sigquit: kill(pid, SIGQUIT)
        case .trap, .startupError: break
        }
        let end = t.wait { $0.contains("AFTER") }
        guard end.contains("AFTER") else { return (false, "did not end:\n\(end)") }
        let before = (try? String(contentsOfFile: "\(dir)/before", encoding: .utf8)) ?? "?"
        let after = (try? String(contentsOfFile: "\(dir)/after", encoding: .utf8)) ?? "!"
        let rc = ((try? String(contentsOfFile: "\(dir)/rc", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let expected: [Ending: String] = [.q: "0", .sigint: "130", .sigterm: "143", .sighup: "129", .sigquit: "131", .trap: "132", .startupError: "66"]
        if rc != expected[ending] { return (false, "exit \(rc), expected \(expected[ending]!)") }
        if before != after { return (false, "terminal modes differ") }
        if t.format("#{cursor_flag}") != "1" { return (false, "cursor hidden") }
        if t.format("#{alternate_on}") != "0" { return (false, "still on the alternate screen") }
        // Text written after the program has plain attributes (no colour or reverse left on).
        let coloured = Spawn.run(["tmux", "-S", t.socket, "capture-pane", "-p", "-e"]).output
        guard let line = coloured.split(separator: "\n").first(where: { $0.contains("AFTER") }) else { return (false, "no AFTER line") }
        if line.contains("\u{1B}[") { return (false, "attributes left on: \(line.debugDescription)") }
        if ending == .startupError, !end.contains("backprop-tui: error: \(dir)/missing") { return (false, "no error line:\n\(end)") }
        return (true, "")
    }

    @Test(arguments: Ending.allCases)
    func theTerminalComesBack(_ ending: Ending) {
        var passed = 0
        for i in 0..<Self.runs {
            let r = endOnce(ending)
            #expect(r.ok, "\(ending) run \(i + 1): \(r.why)")
            if r.ok { passed += 1 }
        }
        print("terminal restore \(ending.rawValue): \(passed) of \(Self.runs) runs restored")
    }

    @Test func aResizeStormNeitherCrashesNorHangs() {
        let dir = tempDir()
        let t = Tmux(width: 100, height: 30, command: "sh -c 'LANG=C.UTF-8 \(Binary.path) --seed 7; echo EXIT=$? > \(dir)/rc; sleep 60'")
        defer { t.kill() }
        #expect(t.wait { $0.contains("step 0/22") }.contains("step 0/22"))
        var rng = SeededGenerator(seed: 1000)
        let sizes = Int(ProcessInfo.processInfo.environment["BACKPROP_RESIZES"] ?? "") ?? 1000
        for _ in 0..<sizes { t.resize(1 + rng.nextIndex(below: 300), 1 + rng.nextIndex(below: 100)) }
        t.resize(100, 30)
        t.keys("Right")
        let s = t.settled { $0.contains("step 1/22") }
        #expect(s.contains("step 1/22"), "still responsive after \(sizes) resizes:\n\(s)")
        t.keys("q")
        #expect(waitForLine("\(dir)/rc") == "EXIT=0\n")
        print("resize storm: \(sizes) random sizes from 1×1 to 300×100, no crash, no hang")
    }

    /// An arrow typed the moment the first frame shows is a step, not a stray Escape: the terminal's
    /// keypad mode is on before anything is drawn. (The TUI holds that moment open, before it reads
    /// a key, until the test has typed and says so by making the gate file.)
    @Test func anArrowTypedAsTheFirstFrameAppearsIsNotLost() {
        let dir = tempDir()
        let t = Tmux(width: 100, height: 30, command: "TERM=screen LANG=C.UTF-8 BACKPROP_TUI_FAULT=pause:\(dir)/gate \(Binary.path) --seed 7; echo EXIT=$? > \(dir)/rc; sleep 60")
        defer { t.kill() }
        #expect(t.wait { $0.contains("step 0/22") }.contains("step 0/22"))
        #expect(t.format("#{keypad_cursor_flag}") == "1", "keypad mode is on while the first frame is shown")
        t.keys("Right")
        writeFixture("\(dir)/gate", [])
        let s = t.wait { $0.contains("step 1/22") }
        #expect(s.contains("step 1/22"), "the arrow was a step:\n\(s)")
        t.keys("q")
        // Ended before the server is killed (a hang-up racing the sanitizer's exit check can hang it).
        #expect(waitForLine("\(dir)/rc") == "EXIT=0\n")
    }

    @Test func ctrlZLeavesAUsableShellAndFgRepaints() {
        let t = Tmux(width: 100, height: 30, command: "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=screen LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile -i")
        defer { t.kill() }
        t.wait { $0.contains("$") }
        t.literal("\(Binary.path) --seed 7"); t.keys("Enter")
        #expect(t.wait { $0.contains("step 0/22") }.contains("step 0/22"))
        t.keys("Right")
        #expect(t.wait { $0.contains("step 1/22") }.contains("step 1/22"))
        t.keys("C-z")
        let stopped = t.wait { $0.contains("Stopped") }
        #expect(stopped.contains("Stopped") && !stopped.contains("step 1/22"), "\(stopped)")
        t.literal("echo SHELL-OK"); t.keys("Enter")
        #expect(t.wait { $0.contains("SHELL-OK\n") }.contains("SHELL-OK"), "the shell takes commands")
        t.literal("fg"); t.keys("Enter")
        let back = t.settled { $0.contains("step 1/22") }
        #expect(back.contains("step 1/22") && back.contains("J_MLE"), "fg repaints:\n\(back)")
        t.keys("q")
        // The shell runs this only once the program has exited (and so before the server is killed).
        t.literal("echo DONE-$?"); t.keys("Enter")
        #expect(t.wait { $0.contains("DONE-0") }.contains("DONE-0"), "q ends the program with status 0 and the shell takes commands")
    }
}
