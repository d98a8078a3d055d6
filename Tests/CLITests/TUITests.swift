import TestSupport
import BackpropCore
import BackpropExplorer
import BackpropIO
import Foundation
import Testing

/// The real binary in a real terminal (tmux), driven as a person would.
@Suite(.serialized, .enabled(if: Tmux.available, "tmux is needed"))
struct TUITests {
    /// A shell in tmux that records the terminal modes, runs the TUI, and records them again.
    func session(_ dir: String, args: String, width: Int = 100, height: Int = 50, env: String = "LANG=C.UTF-8") -> Tmux {
        let script = "cd \(dir) && stty -a > before.txt; \(env) \(Binary.path) \(args); echo EXIT=$? > exit.txt; stty -a > after.txt; echo DONE; sleep 600"
        return Tmux(width: width, height: height, command: "sh -c '\(script)'")
    }

    /// The numbers of a matrix drawn by the inspector under its header `title  r×c`.
    func matrix(on screen: String, title: String, rows: Int, cols: Int) -> [[String]]? {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let h = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(title)  \(rows)×\(cols)  min") }),
              h + 1 + rows < lines.count else { return nil }
        return (0..<rows).map { i in Array(lines[h + 2 + i].split(separator: " ").map(String.init).dropFirst()) }
    }

    func agrees(_ shown: [[String]], _ m: Matrix<Double>, mask: Matrix<Double>? = nil) -> Bool {
        guard shown.count == m.rows, shown.allSatisfy({ $0.count == m.cols }) else { return false }
        for i in 0..<m.rows {
            for j in 0..<m.cols {
                let t = shown[i][j], v = m[i, j]
                if t == "·" { if mask == nil || mask![i, j] > 0 || v != 0 { return false }; continue }
                guard let x = Double(t) else { return false }
                let tol = t.contains("e") ? 0.0051 * abs(v) : 0.51e-4
                if abs(x - v) > tol { return false }
            }
        }
        return true
    }

    @Test func stepThroughBackpropInARealTerminal() throws {
        let dir = tempDir()
        let t = session(dir, args: "--seed 7")
        defer { t.kill() }
        let steps = Figure611.graph.nodes.filter { $0.leaf == nil }.count * 2   // 11 forward, 11 backward
        var shown: [String] = [t.settled { $0.contains("step 0/\(steps) start") }]
        try #require(shown[0].contains("step 0/\(steps) start"), "the TUI did not start:\n\(shown[0])")
        #expect(shown[0].contains("X 8×3"))
        #expect(shown[0].contains("J_MLE 1×1"))
        #expect(shown[0].contains("cross_entropy"))
        // Forward and back-propagation, one key per step.
        for k in 1...steps {
            t.keys("Right")
            let s = t.settled { $0.contains("step \(k)/\(steps)") }
            #expect(s.contains("step \(k)/\(steps)"), "step \(k):\n\(s)")
            shown.append(s)
        }
        #expect(shown[steps].contains("done: ∇W2 J = Hᵀ G + 2λW2 and ∇W1 J = Xᵀ G' + 2λW1"))
        // Back to the start: every screen is the one shown on the way forward.
        for k in stride(from: steps - 1, through: 0, by: -1) {
            t.keys("Left")
            let s = t.settled { $0.contains("step \(k)/\(steps)") }
            let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
            let before = shown[k].split(separator: "\n", omittingEmptySubsequences: false)
            if k == 0 {   // only the status line differs: the greeting has gone
                #expect(lines.count == before.count && zip(lines, before).filter { $0 != $1 }.count <= 1, "start:\n\(s)")
            } else {
                #expect(s == shown[k], "step \(k) differs after stepping back:\n\(s)\nwas:\n\(shown[k])")
            }
        }
        // The book's quantities on screen are the engine's values for this seed.
        let src = try DataSource.load("spiral")
        let c = ExplorerConfig(data: "spiral", dataDigest: src.train.digest, hidden: 8, batchSize: 8, lr: 1, lambda: 1e-3, seed: 7)
        var e = try ExplorerState(config: c, train: src.train, test: src.test)
        Explorer.reduce(into: &e, .last)
        t.keys("End")
        t.wait { $0.contains("step \(steps)/\(steps)") }
        let u1 = e.engineState.values[e.engine.graph.id("U1")!]!
        for q: Quantity in [.G, .GPrime, .HTG, .GW2T, .XTGPrime, .decayW1, .decayW2, .gradW1, .gradW2] {
            let m = try #require(q.value(in: e.engineState, engine: e.engine))
            t.literal(":inspect \(q.asciiName)"); t.keys("Enter")
            let s = t.settled { self.matrix(on: $0, title: q.rawValue, rows: m.rows, cols: m.cols) != nil }
            let nums = try #require(matrix(on: s, title: q.rawValue, rows: m.rows, cols: m.cols), "\(q.rawValue) not shown:\n\(s)")
            #expect(agrees(nums, m, mask: q == .GPrime ? u1 : nil), "\(q.rawValue) on screen differs from the engine:\n\(s)")
            if q == .GPrime { #expect(nums.joined().contains("·"), "the relu mask is marked") }
        }
        t.literal(":inspect"); t.keys("Enter")
        // Resize down to the reduced layout, below the minimum, and back.
        t.resize(40, 12)
        let small = t.wait { $0.split(separator: "\n").first?.count ?? 99 <= 40 && $0.contains("J_MLE") }
        #expect(small.contains("J_MLE") && small.contains("step \(steps)/"), "40×12:\n\(small)")
        t.resize(20, 5)
        #expect(t.wait { $0.contains("terminal too") }.contains("terminal too"))
        t.resize(100, 50)
        #expect(t.wait { $0.contains("Hᵀ G + 2λW2") }.contains("X 8×3"))
        // A finite-difference check from the command line.
        t.literal(":check"); t.keys("Enter")
        let checked = t.wait { $0.contains("agrees: every") }
        #expect(checked.contains("check ∇W2 J = ∂J/∂W2") && checked.contains("agrees: every"), "\(checked)")
        // Quit, and the shell has its terminal back.
        t.keys("q")
        let end = t.wait { $0.contains("DONE") }
        #expect(end.contains("DONE"))
        #expect((try? String(contentsOfFile: "\(dir)/exit.txt", encoding: .utf8)) == "EXIT=0\n")
        let before = try String(contentsOfFile: "\(dir)/before.txt", encoding: .utf8)
        let after = try String(contentsOfFile: "\(dir)/after.txt", encoding: .utf8)
        #expect(before == after, "terminal modes differ after quitting")
        #expect(after.contains(" icanon") && after.contains(" echo "), "canonical mode and echo are on")
        #expect(t.format("#{cursor_flag}") == "1", "cursor visible")
        #expect(t.format("#{alternate_on}") == "0", "back on the main screen")
    }

    @Test func refusesWithoutATerminal() {
        let r = Binary.run([])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("backprop-tui: error: terminal:") && r.stderr.contains("--batch"))
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stdout.isEmpty)
    }

    @Test func refusesATerminalThatCannotMoveTheCursor() {
        let dir = tempDir()
        let t = session(dir, args: "", env: "TERM=dumb")
        defer { t.kill() }
        let s = t.wait { $0.contains("DONE") }
        #expect(s.contains("backprop-tui: error: terminal: TERM='dumb' cannot move the cursor"), "\(s)")
        #expect((try? String(contentsOfFile: "\(dir)/exit.txt", encoding: .utf8)) == "EXIT=2\n")
    }
}

/// Bad REPL commands typed into the real TUI: each shows one error on the status line and the
/// session carries on (part of the bad-input catalogue; the others are in BadInputTests).
@Suite(.serialized, .enabled(if: Tmux.available, "tmux is needed"))
struct REPLBadInputTests {
    static let commands: [(String, String)] = [
        ("frobnicate", "unknown command 'frobnicate'"),
        ("set lr -1", "lr must be a finite number ≥ 0"),
        ("set batch 0", "batch must be a whole number from 1 to 600"),
        ("set hidden 2.5", "hidden must be a whole number"),
        ("set speed 3", "unknown setting 'speed'"),
        ("set lr many", "'many' is not a number"),
        ("train -3", "train: '-3' is not a whole number"),
        ("train", "usage: train N | train epoch"),
        ("goto Q9", "no node or quantity named 'Q9'"),
        ("goto W1", "W1 is a leaf"),
        ("inspect nothing", "no node or quantity named 'nothing'"),
        ("inspect G", "G is not computed yet"),
        ("check", "is not a gradient"),
        ("mark", "usage: mark TEXT"),
        ("reset now", "usage: reset"),
        ("set lr 1e999", "lr must be a finite number"),
    ]

    @Test func eachBadCommandShowsAnErrorAndTheSessionGoesOn() {
        let dir = tempDir()
        let t = Tmux(width: 100, height: 30, command: "sh -c 'LANG=C.UTF-8 \(Binary.path) --seed 7; echo EXIT=$? > \(dir)/rc; sleep 60'")
        defer { t.kill() }
        #expect(t.wait { $0.contains("step 0/22") }.contains("step 0/22"))
        var shown = 0
        for (command, message) in Self.commands {
            t.literal(":" + command); t.keys("Enter")
            let s = t.wait { $0.contains(message) }
            let status = s.split(separator: "\n").dropLast().last.map(String.init) ?? ""
            #expect(status.contains(message), "\(command): \(status)")
            if status.contains(message) { shown += 1 }
        }
        t.keys("Right")
        #expect(t.wait { $0.contains("step 1/22") }.contains("step 1/22"), "still running")
        t.keys("q")
        #expect(waitForLine("\(dir)/rc") == "EXIT=0\n")
        print("bad REPL commands: \(shown) of \(Self.commands.count) showed their error on the status line; the session went on")
    }

    /// `--open BUNDLE`: the TUI opens on the run a `--break-bundle` saved, at the failing update's
    /// minibatch, stepped to where the breakpoint holds: the origin `--batch` named.
    @Test func openingABundleStepsToWhereItBroke() throws {
        let dir = tempDir()
        let r = Binary.run(["--batch", "--lr", "1e6", "--steps", "400", "--precision", "float64",
                            "--break-on", "nonfinite", "--break-bundle", dir + "/b.st"])
        #expect(r.status == 4, "\(r.stderr)")
        let meta = try SafeTensors.load(dir + "/b.st")
        let update = try #require(meta.meta("break_update")), origin = try #require(meta.meta("break_origin"))
        let node = try #require(meta.meta("break_origin_node"))
        let t = Tmux(width: 120, height: 40,
                     command: "sh -c 'cd \(dir) && LANG=C.UTF-8 \(Binary.path) --open b.st; echo EXIT=$? > rc; sleep 60'")
        defer { t.kill() }
        let screen = t.wait { $0.contains("opened b.st") }
        #expect(screen.contains("opened b.st: breakpoint: nonfinite at update \(update) (epoch "), "\(screen)")
        // The origin's equation is the step just taken; the update before it is the loop's.
        let equation = try #require(origin.firstMatch(of: /\((forward|backward)[^:]*: (.*)\)$/)).2
        #expect(screen.contains("holds after forward: \(equation)") || screen.contains("holds after backward"), "\(screen)")
        #expect(screen.contains("update \(Int(update)! - 1) epoch") && screen.contains("m=128"))
        #expect(screen.contains("watch 1 nonfinite: ✋ holds") && screen.contains(" \(node) "))
        t.keys("q")
        #expect(waitForLine("\(dir)/rc") == "EXIT=0\n")
        // Not a bundle: one line.
        let bad = Binary.run(["--open", dir + "/rc"])
        #expect(bad.status == 65 || bad.status == 66, "\(bad.stderr)")
        #expect(bad.stderr.split(separator: "\n").count == 1)
    }
}
