import Foundation
import Testing
@testable import BackpropIO
import BackpropData

/// Training in the real TUI (tmux): the same bits as --batch, live and interruptible, checkpoints
/// that --batch continues, and nothing left running when the terminal goes away.
@Suite(.serialized, .enabled(if: Tmux.available, "tmux is needed"))
struct LiveTrainingCLITests {
    func weights(_ path: String) -> [UInt8] {
        guard let st = try? SafeTensors.load(path) else { return [] }
        return st.tensors.sorted { $0.name < $1.name }.flatMap(\.tensor.bytes)
    }

    /// The TUI in tmux from `dir`, its pid in `dir/pid` and its exit status in `dir/rc`.
    func tui(_ dir: String, _ args: [String]) -> Tmux {
        let quoted = args.map { "\"\($0)\"" }.joined(separator: " ")
        let script = "cd \(dir) && echo $$ > pid && env LANG=C.UTF-8 \(Binary.path) \(quoted); echo $? > rc; sleep 600"
        return Tmux(width: 120, height: 40, command: "sh -c '\(script)'")
    }

    func pid(_ dir: String) -> Int32? {
        Int32(((try? String(contentsOfFile: "\(dir)/pid", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Waits (by observation, up to a generous deadline) for a file to hold a whole line (the shell
    /// creates it, then writes).
    func waitForFile(_ path: String, seconds: Double = 30) -> Bool {
        let end = TestTime.deadline(seconds)
        func done() -> Bool { ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").hasSuffix("\n") }
        while !done() && Date() < end { usleep(20_000) }
        return done()
    }

    /// `e` in the TUI, then `:save`, against `--batch --epochs 1 --save` with the same flags: the
    /// same weights, bit for bit, in float64 and float32 (and whatever the thread count).
    @Test(arguments: ["float64", "float32"]) func aTUIEpochIsABatchEpoch(precision: String) throws {
        // Figure 6.11 (the fused path), and a graph with biases (the engine) saved from the TUI.
        let biases = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Graphs/with-biases.txt").path
        var datasets = [["--data", "spiral", "--hidden", "16", "--batch-size", "32"],
                        ["--data", "spiral", "--hidden", "16", "--batch-size", "32", "--graph", biases]]
        #if !DEBUG   // (a debug build trains Fashion-MNIST for minutes: the release run, the README's, covers it)
        if (try? DataSource.load("fashion-mnist")) != nil {
            datasets.append(["--data", "fashion-mnist", "--hidden", "32", "--batch-size", "128"])   // 468 + a partial one
        }
        #endif
        for data in datasets {
            let dir = tempDir()
            let flags = data + ["--lr", "0.5", "--lambda", "0.0001", "--seed", "5", "--precision", precision]
            let t = tui(dir, flags + ["--threads", "2"])
            defer { t.kill() }
            try #require(t.wait { $0.contains(" start · update 0") }.contains(" start · update 0"))
            t.keys("e")
            let done = t.wait(seconds: 120) { $0.contains("updates: J = ") && !$0.contains("training [") }
            #expect(done.contains("epoch 2"), "\(done)")
            t.literal(":save \(dir)/tui.st"); t.keys("Enter")
            let saved = t.wait { $0.contains("saved update") }
            #expect(saved.contains("continue with --batch --resume"), "\(saved)")
            t.keys("q")
            #expect(waitForFile("\(dir)/rc"))
            for threads in ["1", "2"] {
                let b = Binary.run(["--batch", "--epochs", "1", "--threads", threads, "--save", "\(dir)/batch\(threads).st"] + flags)
                #expect(b.status == 0, "\(b.stderr)")
                #expect(!weights("\(dir)/tui.st").isEmpty && weights("\(dir)/tui.st") == weights("\(dir)/batch\(threads).st"),
                        "\(data[1]) \(data.last!) \(precision), --batch on \(threads) threads")
            }
        }
    }

    /// A long `:train` keeps the screen moving; Esc stops it after the update under way; the
    /// recorded session holds the updates made and replays them exactly.
    @Test func aLongTrainingIsLiveAndEscStopsIt() throws {
        let dir = tempDir()
        let t = tui(dir, ["--hidden", "1024", "--batch-size", "600", "--record", "\(dir)/s.jsonl", "--threads", "2"])
        defer { t.kill() }
        try #require(t.wait { $0.contains("step 0/22 start") }.contains("step 0/22 start"))
        t.literal(":train 100000"); t.keys("Enter")
        func progress(_ s: String) -> Int? {
            guard let r = s.range(of: #"\] ([0-9,]+)/100,000 updates"#, options: .regularExpression) else { return nil }
            return Int(s[r].dropFirst(2).prefix { $0 != "/" }.replacingOccurrences(of: ",", with: ""))
        }
        let first = t.wait { progress($0) != nil }
        let a = try #require(progress(first), "no progress bar:\n\(first)")
        // The screen changes while training: the count moves on, twice.
        let second = t.wait { (progress($0) ?? 0) > a }
        let b = try #require(progress(second))
        let third = t.wait { (progress($0) ?? 0) > b }
        #expect((progress(third) ?? 0) > b && third.contains("samples/s") && third.contains("ETA"), "\(third)")
        t.keys("Escape")
        let stopped = t.wait { $0.contains("stopped after") }
        let r = try #require(stopped.range(of: #"stopped after ([0-9]+) updates? of 100000"#, options: .regularExpression),
                             "\(stopped)")
        let made = Int(stopped[r].split(separator: " ")[2])!
        #expect(made > b && made < 100_000)
        #expect(stopped.contains("update \(made) "))
        t.keys("q")
        #expect(waitForFile("\(dir)/rc"))
        let session = (try? String(contentsOfFile: "\(dir)/s.jsonl", encoding: .utf8)) ?? ""
        #expect(session.contains("\"action\":\"train\",\"steps\":\(made),\"stopped\":true"), "\(session)")
        let v = Binary.run(["--replay", "\(dir)/s.jsonl", "--verify"])
        #expect(v.status == 0 && v.stdout.contains("digests match"), "\(v.stderr)")
    }

    /// `:save` in the TUI, then `--batch --resume`, equals the run never interrupted; `--resume`
    /// in the TUI opens at that update.
    @Test func aTUICheckpointContinuesInBatch() throws {
        let dir = tempDir()
        let flags = ["--hidden", "16", "--batch-size", "32", "--lr", "0.5", "--lambda", "0.0001", "--seed", "3",
                     "--precision", "float32"]
        let t = tui(dir, flags)
        defer { t.kill() }
        try #require(t.wait { $0.contains("step 0/22 start") }.contains("step 0/22 start"))
        t.literal(":train 25"); t.keys("Enter")
        #expect(t.wait { $0.contains("update 25 ") && $0.contains("25 updates: J") }.contains("update 25 "))
        t.literal(":save /nonexistent/dir/ck.st"); t.keys("Enter")
        let refused = t.wait { $0.contains("cannot save") }
        #expect(refused.contains("cannot save: /nonexistent/dir/ck.st"), "\(refused)")
        t.literal(":save \(dir)/ck.st"); t.keys("Enter")
        #expect(t.wait { $0.contains("saved update 25") }.contains("saved update 25"))
        t.keys("q")
        #expect(waitForFile("\(dir)/rc"))
        let resumed = Binary.run(["--batch", "--resume", "\(dir)/ck.st", "--steps", "40", "--save", "\(dir)/r.st"] + flags)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let full = Binary.run(["--batch", "--steps", "65", "--save", "\(dir)/full.st"] + flags)
        #expect(full.status == 0)
        #expect(!weights("\(dir)/full.st").isEmpty && weights("\(dir)/r.st") == weights("\(dir)/full.st"))
        #expect(weights("\(dir)/ck.st") != weights("\(dir)/full.st"), "the comparison can fail")
        // Other flags are refused in one line, before any terminal is needed.
        let other = Binary.run(flags.map { $0 == "0.5" ? "0.25" : $0 } + ["--resume", "\(dir)/ck.st"])
        #expect(other.status == 65 && other.stderr.contains("made with lr = 0.5; this run has 0.25"), "\(other.stderr)")
        // The TUI opens the checkpoint where it was saved.
        let again = tui(tempDir(), flags + ["--resume", "\(dir)/ck.st"])
        defer { again.kill() }
        #expect(again.wait { $0.contains("update 25 ") }.contains("update 25 "))
        // --init takes the weights only: update 0, and a save right away holds them.
        let fresh = tui(dir, flags + ["--init", "\(dir)/ck.st"])
        defer { fresh.kill() }
        #expect(fresh.wait { $0.contains("step 0/22 start") }.contains("update 0 "))
        fresh.literal(":save \(dir)/init.st"); fresh.keys("Enter")
        #expect(fresh.wait { $0.contains("saved update 0") }.contains("saved update 0"))
        #expect(weights("\(dir)/init.st") == weights("\(dir)/ck.st"))
    }

    /// The terminal going away (the tmux server killed), SIGTERM or q during a training end the
    /// program: nothing keeps training. (q records the updates made.)
    @Test(arguments: ["hangup", "sigterm", "q"]) func nothingOutlivesItsTerminal(how: String) throws {
        let dir = tempDir()
        let t = tui(dir, ["--hidden", "1024", "--batch-size", "600", "--threads", "2", "--record", "\(dir)/s.jsonl"])
        defer { t.kill() }
        try #require(t.wait { $0.contains("step 0/22 start") }.contains("step 0/22 start"))
        t.literal(":train 1000000"); t.keys("Enter")
        // Once an update has been made (a debug build on a busy machine takes a while for one).
        func made(_ s: String) -> Int {
            guard let r = s.range(of: #"\] ([0-9,]+)/1,000,000 updates"#, options: .regularExpression) else { return 0 }
            return Int(s[r].dropFirst(2).prefix { $0 != "/" }.replacingOccurrences(of: ",", with: "")) ?? 0
        }
        #expect(made(t.wait(seconds: 120) { made($0) >= 1 }) >= 1)
        let p = try #require(pid(dir))
        // The TUI is the shell's child (sh waits for it): find it.
        let child = Spawn.run(["pgrep", "-P", "\(p)"]).output.split(separator: "\n").compactMap { Int32($0) }.first
        let tuiPid = try #require(child)
        switch how {
        case "hangup": t.kill()
        case "sigterm": kill(tuiPid, SIGTERM)
        default: t.keys("q")
        }
        let end = TestTime.deadline(30)
        while kill(tuiPid, 0) == 0 && Date() < end { usleep(20_000) }
        #expect(kill(tuiPid, 0) != 0, "the TUI is still running after the \(how)")
        if how != "hangup" {
            #expect(waitForFile("\(dir)/rc"))
            let rc = ((try? String(contentsOfFile: "\(dir)/rc", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(rc == (how == "q" ? "0" : "143"))
        }
        // Whatever ended it, the recording replays; q records the updates made, and so does SIGTERM
        // when the update under way ends within the second a signal allows (a debug build's need not).
        let session = (try? String(contentsOfFile: "\(dir)/s.jsonl", encoding: .utf8)) ?? ""
        #if DEBUG
        let recordsStop = how == "q"
        #else
        let recordsStop = how != "hangup"
        #endif
        if recordsStop { #expect(session.contains("\"stopped\":true"), "\(session)") }
        let v = Binary.run(["--replay", "\(dir)/s.jsonl", "--verify"])
        #expect(v.status == 0, "\(v.stderr)")
    }
}
