import Foundation
import Testing

/// The teaching features in a real terminal: a quiz answered right and wrong with its score on
/// screen, recorded and verified; `:explain` on screen.
@Suite(.serialized) struct TeachingCLITests {
    func session(_ dir: String, args: String) -> Tmux {
        let script = "cd \(dir) && LANG=C.UTF-8 \(Binary.path) \(args); echo EXIT=$? > exit.txt; sleep 600"
        return Tmux(width: 120, height: 40, command: "sh -c '\(script)'")
    }

    func command(_ t: Tmux, _ text: String) { t.literal(":" + text); t.keys("Enter") }

    @Test func aQuizInATerminal() throws {
        let dir = tempDir()
        let t = session(dir, args: "--seed 7 --record quiz.jsonl")
        defer { t.kill() }
        try #require(t.wait { $0.contains("step 0/22") }.contains("step 0/22"), "the TUI did not start")
        command(t, "quiz on")
        #expect(t.wait { $0.contains("quiz 0/0") }.contains("quiz on"))
        t.keys("b")
        _ = t.wait { $0.contains("step 11/22") }
        // The first question of a quiz asks a shape; J's step sends 1×1 gradients.
        t.keys("Right")
        var s = t.wait { $0.contains("answer: _") }
        #expect(s.contains("quiz: shape") && s.contains("shape of what J = add(J_MLE, u8) adds to"), "\(s)")
        #expect(s.contains("step 11/22"), "the step waits for the answer:\n\(s)")
        t.literal("1x1"); t.keys("Enter")
        s = t.wait { $0.contains("quiz 1/1") && $0.contains("step 12/22") }
        #expect(s.contains("✓ right: 1×1 · quiz 1/1"), "\(s)")
        // The second asks a sign; "x" is no sign at all: wrong, and the right answer is shown.
        t.keys("Right")
        s = t.wait { $0.contains("quiz: sign") }
        #expect(s.contains("(+, − or 0)"), "\(s)")
        t.literal("x"); t.keys("Enter")
        s = t.wait { $0.contains("quiz 1/2") && $0.contains("step 13/22") }
        #expect(s.contains("✗ the answer is + (you said x) · quiz 1/2"), "\(s)")
        // :explain on screen: the numbers and the check against the stored value.
        t.keys("End")
        _ = t.wait { $0.contains("step 22/22") }
        command(t, "explain grad_W2[0,1]")
        // (Not the command line's own text: the panel's heading, once Enter has run it.)
        s = t.wait { $0.contains("explain grad_W2[0,1]: 2 contributions") && $0.contains("✓ the numbers") }
        #expect(s.contains("explain grad_W2[0,1]: 2 contributions"), "\(s)")
        #expect(s.contains("from U2 = matmul(H, W2):") && s.contains("= Σ_r H[r,0]·grad_U2[r,1]"), "\(s)")
        #expect(s.contains("✓ the numbers add up to the stored value"), "\(s)")
        t.keys("q")
        _ = t.wait { _ in FileManager.default.fileExists(atPath: dir + "/exit.txt") }
        // The recording holds the answers; its replay re-asks the questions and checks the score.
        let log = try String(contentsOfFile: dir + "/quiz.jsonl", encoding: .utf8)
        #expect(log.contains(#""action":"answer","text":"1x1""#) && log.contains(#""quiz":"1/2""#))
        let v = Spawn.run([Binary.path, "--replay", dir + "/quiz.jsonl", "--verify"])
        #expect(v.status == 0 && v.output.contains("; quiz 1/2"), "\(v.output)")
    }
}
