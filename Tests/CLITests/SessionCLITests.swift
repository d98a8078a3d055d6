import BackpropExplorer
import BackpropIO
import Foundation
import Testing
import BackpropData

/// Sessions through the real binary: recording in a terminal, --verify, --export-cast, bad files.
@Suite(.serialized)
struct SessionCLITests {
    func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// A short recorded session, made by driving the TUI in tmux.
    func recordInTmux(_ dir: String, keys: [(String, String)], kill: Bool) -> Int {
        let t = Tmux(width: 100, height: 40, command: "sh -c 'cd \(dir) && echo $$ > pid && exec env LANG=C.UTF-8 \(Binary.path) --seed 7 --record s.jsonl --title Test'")
        defer { t.kill() }
        var applied = 0
        _ = t.wait { $0.contains("REC s.jsonl") }
        for (key, expect) in keys {
            t.keys(key)
            // (generous: `t` trains 100 updates and measures accuracy, which a debug build on a
            // busy machine takes seconds for)
            if t.wait(seconds: 60, { $0.contains(expect) }).contains(expect) { applied += 1 }
        }
        let pid = Int32(((try? String(contentsOfFile: "\(dir)/pid", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        if kill, let pid {
            t.keys("t")   // a training action in flight when the kill arrives
            Glibc.kill(pid, SIGKILL)
        } else {
            t.keys("q")
            // Gone before the server is killed: a hang-up racing the sanitizer's exit-time leak
            // check (a ptrace stop that the hang-up's SIGCONT cancels) can leave it spinning.
            let end = TestTime.deadline(10)
            while let pid, Glibc.kill(pid, 0) == 0, Date() < end { usleep(20_000) }
        }
        return applied
    }

    @Test(.enabled(if: Tmux.available)) func aKilledRecordingStillReplaysAndVerifies() throws {
        let dir = tempDir()
        // (a training's action is logged when it ends: its status line says so)
        let keys = [("Right", "step 1/"), ("Right", "step 2/"), ("End", "step 22/"), ("n", "1 update: J"), ("Right", "step 1/"),
                    ("Home", "step 0/"), ("t", "100 updates: J"), ("Left", "step 0/")]
        let applied = recordInTmux(dir, keys: keys, kill: true)
        #expect(applied == keys.count)
        let recorded = lines("\(dir)/s.jsonl")
        let actions = recorded.filter { $0.contains("\"action\"") }.count
        #expect(actions >= applied - 1 && actions <= applied + 1, "\(recorded.joined(separator: "\n"))")
        #expect(recorded.first?.contains("\"title\":\"Test\"") == true)
        let r = Binary.run(["--replay", "\(dir)/s.jsonl", "--verify"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("digests match"))
    }

    @Test(.enabled(if: Tmux.available)) func replayExportsAnAsciicast() throws {
        let dir = tempDir()
        _ = recordInTmux(dir, keys: [("Right", "step 1/"), ("b", "step 11/"), ("Right", "step 12/"), ("Right", "step 13/"), ("n", "update 1 ")], kill: false)
        let r = Binary.run(["--replay", "\(dir)/s.jsonl", "--export-cast", "\(dir)/s.cast"])
        #expect(r.status == 0, "\(r.stderr)")
        let cast = lines("\(dir)/s.cast")
        let header = try JSONParser.parse(Array(cast[0].utf8))
        #expect(header["version"]?.int == 2 && header["width"]?.int == 100 && header["height"]?.int == 40)
        var last = -1.0, markers = 0, frames = 0
        for l in cast.dropFirst() {
            let e = try JSONParser.parse(Array(l.utf8))
            let t = e.array?[0].number ?? -1
            #expect(t >= last); last = t
            if e.array?[1].string == "m" { markers += 1 }
            if e.array?[1].string == "o" { frames += 1 }
        }
        #expect(markers >= 3 && frames >= 6)
        #expect(cast.joined().contains("update 1 "))
        // Debian's asciinema (2.2.0) reads it; `cat` wants a terminal, so it runs in tmux.
        if Spawn.run(["asciinema", "--version"]).status == 0 {
            let t = Tmux(width: 100, height: 40, command: "sh -c 'asciinema cat \(dir)/s.cast > \(dir)/played.txt 2>&1; echo $? > \(dir)/played.rc; sleep 60'")
            defer { t.kill() }
            #expect(waitForLine("\(dir)/played.rc", seconds: 20) == "0\n")
            #expect(((try? String(contentsOfFile: "\(dir)/played.txt", encoding: .utf8)) ?? "").contains("update 1 "))
        }
    }

    @Test func badSessionFiles() throws {
        let dir = tempDir()
        let src = try DataSource.load("spiral")
        let header = Session.encode(Session.Header(config: ExplorerConfig(data: "spiral", dataDigest: src.train.digest, hidden: 8, batchSize: 8,
                                                                          lr: 1, lambda: 1e-3, seed: 7), columns: 80, rows: 24))
        let step = Session.encode(.action(t: 0.5, .stepForward))
        let cases: [(String, String, Int32, String)] = [
            ("notjson", "hello\n", 65, "line 1: not JSON"),
            ("version", header.replacingOccurrences(of: "\"version\":1", with: "\"version\":2") + "\n", 65, "format version 2 is not supported"),
            ("action", header + "\n{\"t\":0,\"action\":\"explode\"}\n", 65, "line 2: unknown action 'explode'"),
            ("long", header + "\n" + String(repeating: " ", count: (1 << 20) + 1) + "\n", 65, "line 2: line is 1048577 bytes; the limit is 1 MiB"),
            ("digest", header + "\n" + step + "\n{\"t\":0.5,\"digest\":\"" + String(repeating: "0", count: 64) + "\",\"J\":1,\"position\":1,\"updates\":0}\n", 1, "line 3: digest mismatch"),
            ("data", header.replacingOccurrences(of: src.train.digest, with: String(repeating: "a", count: 64)) + "\n", 65, "the data differs from the recording"),
            ("path", header.replacingOccurrences(of: "\"data\":\"spiral\"", with: "\"data\":\"/etc/passwd\"") + "\n", 65, "pass --data PATH to allow reading it"),
            ("fashion", header.replacingOccurrences(of: "\"data\":\"spiral\"", with: "\"data\":\"fashion-mnist\"") + "\n", 65, "needs Fashion-MNIST"),
        ]
        for (name, text, code, words) in cases {
            let path = "\(dir)/\(name).jsonl"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let before = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
            let env = name == "fashion" ? ["FASHION_MNIST_DIR": "\(dir)/nowhere"] : [:]
            let r = Binary.run(["--replay", path, "--verify"], env: env)
            #expect(r.status == code, "\(name): \(r.stderr)")
            #expect(r.stderr.hasPrefix("backprop-tui: error: \(path): ") && r.stderr.contains(words), "\(name): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stdout.isEmpty, "\(name): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == before, "\(name) wrote a file")
        }
        // Fashion-MNIST missing: the message says what to install.
        let f = Binary.run(["--replay", "\(dir)/fashion.jsonl", "--verify"], env: ["FASHION_MNIST_DIR": "\(dir)/nowhere"])
        #expect(f.stderr.contains("apt-get install dataset-fashion-mnist"), "\(f.stderr)")
        // Flags that need --replay.
        #expect(Binary.run(["--verify"]).status == 64)
        #expect(Binary.run(["--batch", "--replay", "x"]).status == 64)
    }
}

/// Replay in the TUI: pause, one action either way, speed, markers, and taking over live.
@Suite(.serialized, .enabled(if: Tmux.available, "tmux is needed"))
struct ReplayControlTests {
    @Test func replayControlsAndTakingOver() throws {
        let dir = tempDir()
        let tour = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sessions/figure-6.11-tour.jsonl").path
        let lines = try String(contentsOfFile: tour, encoding: .utf8).split(separator: "\n").count - 1
        let t = Tmux(width: 120, height: 40, command: "sh -c 'cd \(dir) && LANG=C.UTF-8 \(Binary.path) --replay \(tour) --record branch.jsonl; echo EXIT=$? > rc; sleep 60'")
        defer { t.kill() }
        #expect(t.wait { $0.contains("playing") }.contains("replay "))
        t.keys("Space")
        let paused = t.settled { $0.contains("paused") }
        let at = Int(paused.split(separator: "\n")[0].components(separatedBy: "' ").last?.split(separator: "/").first ?? "") ?? -1
        #expect(at >= 0 && at < lines, "\(paused)")
        t.keys(".")
        #expect(t.wait { $0.contains("' \(at + 1)/\(lines)") }.contains("' \(at + 1)/\(lines)"))
        t.keys(",")
        #expect(t.wait { $0.contains("' \(at)/\(lines)") }.contains("' \(at)/\(lines)"))
        t.keys("+")
        #expect(t.wait { $0.contains("×2 paused") }.contains("×2 paused"))
        t.keys("-"); t.keys("-"); t.keys("-")
        #expect(t.wait { $0.contains("×0.25 paused") }.contains("×0.25 paused"))
        t.keys("]")
        let marked = t.settled { $0.contains("marker: ") }
        #expect(marked.contains("marker: "), "\(marked)")
        // Any other key takes over: the session is live and the branch is recorded.
        t.keys("n")
        // (n is a training: it is over once the update count shows and the progress line is gone)
        let live = t.settled { $0.contains("REC branch.jsonl") && !$0.contains("▶ replay") && $0.contains("update 1 ")
            && !$0.contains("training [") }
        #expect(live.contains("REC branch.jsonl") && live.contains("update 1 "), "\(live)")
        t.keys("q")
        #expect(waitForLine("\(dir)/rc") == "EXIT=0\n", "q ends the branched replay with status 0")
        let v = Binary.run(["--replay", "\(dir)/branch.jsonl", "--verify"])
        #expect(v.status == 0, "\(v.stderr)")
        let branch = try String(contentsOfFile: "\(dir)/branch.jsonl", encoding: .utf8)
        #expect(branch.contains("\"title\":\"Figure 6.11, node by node (branch)\""), "the header is the session's")
        #expect(branch.contains("\"trainStep\""), "the live action is recorded after the replayed ones")
    }
}
