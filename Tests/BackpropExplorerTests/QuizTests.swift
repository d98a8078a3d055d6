import Foundation
import BackpropCore
import Testing
@testable import BackpropExplorer

/// Quiz mode and `:explain`: questions asked before a backward step, answers judged, scored,
/// recorded and replayed; entries expanded with numbers that add up to the stored value.
struct QuizTests {
    /// Each kind of question judges right answers right and wrong answers wrong.
    @Test func answersAreJudged() {
        let shape = QuizQuestion(kind: .shape, text: "", answer: .shape(rows: 8, cols: 3))
        for a in ["8x3", "8×3", " 8 3 ", "8,3", "8*3"] { #expect(shape.judge(a), "\(a)") }
        for a in ["3x8", "8", "8x3x1", "", "eight by three"] { #expect(!shape.judge(a), "\(a)") }
        #expect(shape.answerText == "8×3")

        let minus = QuizQuestion(kind: .sign, text: "", answer: .sign(-1))
        for a in ["-", "−", "negative", "Minus"] { #expect(minus.judge(a), "\(a)") }
        for a in ["+", "0", "positive", "-1x"] { #expect(!minus.judge(a), "\(a)") }
        let zero = QuizQuestion(kind: .sign, text: "", answer: .sign(0))
        #expect(zero.judge("0") && zero.judge("zero") && !zero.judge("+") && zero.answerText == "0")

        let mask = QuizQuestion(kind: .mask, text: "", answer: .mask([0, 2, 5]))
        for a in ["0 2 5", "5, 2, 0", "0,2,5"] { #expect(mask.judge(a), "\(a)") }
        for a in ["0 2", "0 2 5 7", "none", "0 2 2 5", "a"] { #expect(!mask.judge(a), "\(a)") }
        #expect(mask.answerText == "columns 0, 2, 5")
        let none = QuizQuestion(kind: .mask, text: "", answer: .mask([]))
        #expect(none.judge("none") && !none.judge("0") && none.answerText == "none")

        let value = QuizQuestion(kind: .value, text: "", answer: .value(-0.01234))
        for a in ["-0.012", "−0.012", "-0.0123", "-1.2e-2", "-0.01249"] { #expect(value.judge(a), "\(a)") }
        for a in ["0.012", "-0.013", "-0.0126", "-0.01", "x"] { #expect(!value.judge(a), "\(a)") }
        #expect(value.answerText == "−0.012")
        #expect(QuizQuestion(kind: .value, text: "", answer: .value(1234)).answerText == "1200")
        #expect(QuizQuestion(kind: .value, text: "", answer: .value(0.001)).answerText == "0.0010")

        let rule = QuizQuestion(kind: .rule, text: "", choices: ["G W2ᵀ", "Hᵀ G", "2 W2 ⊙ G"], answer: .choice(1))
        #expect(rule.judge("2") && rule.judge("Hᵀ G") && !rule.judge("1") && !rule.judge("3") && !rule.judge("x"))
        #expect(rule.answerText == "2) Hᵀ G" && rule.judge("2) Hᵀ G") && mask.judge("columns 0, 2, 5"))
    }

    /// Through the reducer: a step with the quiz on asks instead of stepping; the answer is judged,
    /// scored, and the step is taken. Every kind comes up in one backward pass of Figure 6.11.
    @Test func aBackwardPassAsksEveryKind() {
        var s = applying([.quiz(true), .backwardPhase], to: spiralState())
        var kinds = Set<QuizQuestion.Kind>(), asked = 0
        while !s.stepper.atEnd {
            let p = s.position
            Explorer.reduce(into: &s, .stepForward)
            let q = try! #require(s.quiz.pending, "a question at step \(p)")
            #expect(s.position == p, "the step waits for the answer")
            #expect(s.status.text == "quiz: " + q.text)
            kinds.insert(q.kind)
            // Every other answer right: the score counts both.
            let right = asked % 2 == 0
            Explorer.reduce(into: &s, .answer(right ? q.answerText : "wrong"))
            asked += 1
            #expect(s.position == p + 1 && s.quiz.pending == nil)
            #expect(s.quiz.asked == asked)
            #expect(s.status.text.hasPrefix(right ? "✓" : "✗ the answer is \(q.answerText)"), "\(s.status.text)")
        }
        #expect(kinds == Set(QuizQuestion.Kind.allCases), "\(kinds)")
        #expect(s.quiz.right == (asked + 1) / 2)
    }

    /// The answers the engine's step gives: the shape, sign and value of the contribution, and the relu mask of U1.
    @Test func questionsAreAboutTheStepAboutToBeTaken() {
        var s = applying([.quiz(true), .goto("U1")], to: spiralState())
        // To the relu's backward step (the one that sends G' to U1).
        s = applying([.quiz(false), .backwardPhase], to: s)
        let relu = s.engine.graph.id("H")!
        while s.engine.node(atStep: s.position) != relu { Explorer.reduce(into: &s, .stepForward) }
        Explorer.reduce(into: &s, .quiz(true))
        Explorer.reduce(into: &s, .stepForward)
        let q = try! #require(s.quiz.pending)
        #expect(q.kind == .mask)
        let row = Int(q.text.split(separator: " ")[4])!   // "which columns of row R …"
        let u1 = s.engineState.values[s.engine.graph.id("U1")!]!
        #expect(q.answer == .mask((0..<u1.cols).filter { u1[row, $0] <= 0 }))
        // Off withdraws the question and steps plainly.
        Explorer.reduce(into: &s, .quiz(false))
        #expect(s.quiz.pending == nil)
        let p = s.position
        Explorer.reduce(into: &s, .stepForward)
        #expect(s.position == p + 1)
        // Moving elsewhere withdraws a question too; an answer with none waiting is an error line.
        s = applying([.quiz(true), .backwardPhase, .stepForward, .stepBackward], to: s)
        #expect(s.quiz.pending == nil)
        Explorer.reduce(into: &s, .answer("1x1"))
        #expect(s.status.isError && s.quiz.asked == 0)
    }

    /// Answers are actions: recorded with the score in the digests, replayed to the same questions,
    /// and a changed answer is caught by --verify.
    @Test func aRecordedQuizReplaysAndVerifiesItsScore() throws {
        let s0 = spiralState()
        var s = applying([.quiz(true), .backwardPhase], to: s0)
        var actions: [Action] = [.quiz(true), .backwardPhase]
        for _ in 0..<4 {
            Explorer.reduce(into: &s, .stepForward); actions.append(.stepForward)
            let q = try #require(s.quiz.pending)
            let a: Action = .answer(q.kind == .shape ? q.answerText : "wrong")
            Explorer.reduce(into: &s, a); actions.append(a)
        }
        var lines: [String] = [Session.encode(Session.Header(config: s0.config, columns: 80, rows: 24))]
        var t = s0
        for (i, a) in actions.enumerated() {
            let before = t
            Explorer.reduce(into: &t, a)
            lines += Session.lines(for: a, at: Double(i), before: before, after: t).map(Session.encode)
        }
        #expect(t.quiz.asked == 4 && t.quiz.right == s.quiz.right && t.quiz.right >= 1)
        let text = lines.joined(separator: "\n") + "\n"
        #expect(text.contains("\"quiz\":\"\(t.quiz.right)/4\""))
        let file = try Session.parse(Array(text.utf8))
        #expect(Replay.verify(file: file, start: s0) == nil)
        // A right answer made wrong: the score differs, and so does the digest after it.
        let shapeAnswer = try #require(actions.first { if case .answer(let a) = $0 { a != "wrong" } else { false } })
        guard case .answer(let right) = shapeAnswer else { return }
        let tampered = text.replacingOccurrences(of: "\"text\":\"\(right)\"", with: "\"text\":\"9x9\"")
        #expect(tampered != text)
        #expect(Replay.verify(file: try Session.parse(Array(tampered.utf8)), start: s0) != nil)
    }

    /// `:explain` in the reducer: quantities, gradients and values; the numbers add up; errors name the problem.
    @Test func explainInTheReducer() throws {
        var s = applying([.last, .explain("grad_W2[1,2]")], to: spiralState())
        let x = try #require(s.explanation)
        #expect(x.agrees && x.parts.count == 2 && x.target == "grad_W2[1,2]")
        #expect(s.status.text == x.line && !s.status.isError)
        #expect(x.stored == s.engineState.grads[s.engine.graph.id("W2")!]![1, 2])
        for name in ["G[0,1]", "G'[2,3]", "HT_G[1,1]", "Hᵀ G[1,1]", "decay_W1[0,0]", "J", "J_MLE", "U1[3,4]", "X[0,1]", "∇W1[2,0]"] {
            Explorer.reduce(into: &s, .explain(name))
            let e = try #require(s.explanation, "\(name): \(s.status.text)")
            #expect(e.agrees && !s.status.isError, "\(name): \(e.line)")
        }
        let one = applying([.explain("HT_G[1,1]")], to: s).explanation!
        #expect(one.parts.count == 1 && one.parts[0].source == "U2 = matmul(H, W2)")
        for (bad, message) in [("W2", "W2 is 8×3; say which entry"), ("W2[8,0]", "outside W2, which is 8×3"),
                               ("nope[0,0]", "no node or quantity named 'nope'"), ("W2[a,b]", "usage: explain"),
                               ("grad_X[0,0]", "needs no gradient")] {
            let t = applying([.explain(bad)], to: s)
            #expect(t.status.isError && t.status.text.contains(message), "\(bad): \(t.status.text)")
        }
        let early = applying([.explain("grad_W2[0,0]")], to: spiralState())
        #expect(early.status.isError && early.status.text.contains("not computed yet"))
        // Half-way, a gradient is what has arrived so far: ∇W1 J has 2λW1 before Xᵀ G'.
        var half = applying([.backwardPhase], to: spiralState())
        while half.currentNode != half.engine.graph.id("U3") { Explorer.reduce(into: &half, .stepForward) }
        for name in ["grad_W1[0,0]", "∇W1 J[0,0]"] {
            Explorer.reduce(into: &half, .explain(name))
            #expect(half.explanation?.parts.map(\.source) == ["U3 = sqr(W1)"] && half.explanation?.agrees == true,
                    "\(name): \(half.status.text)")
        }
        // The command line parses it; a model change clears it, Esc too.
        #expect(REPL.parse("explain grad_W2[0, 1]") == .success(.action(.explain("grad_W2[0, 1]"))))
        #expect(REPL.parse("quiz on") == .success(.action(.quiz(true))))
        #expect(REPL.parse("quiz maybe") == .failure(.usage("quiz on|off")))
        #expect(applying([.stepBackward], to: s).explanation == nil)
        #expect(applying([.dismiss], to: s).explanation == nil)
    }

    /// Keys: → with the quiz on opens the answer line; Enter answers; Esc closes it to look around.
    @Test func keysOpenTheAnswerLine() {
        var s = applying([.quiz(true), .backwardPhase], to: spiralState())
        _ = Explorer.handle(.right, &s)
        #expect(s.prompt?.answering == true && s.quiz.pending != nil)
        let q = s.quiz.pending!
        _ = Explorer.handle(.escape, &s)
        #expect(s.prompt == nil && s.quiz.pending != nil)
        _ = Explorer.handle(.tab, &s)          // looking around keeps the question
        #expect(s.quiz.pending == q)
        _ = Explorer.handle(.right, &s)
        #expect(s.prompt?.answering == true)
        for c in q.answerText { _ = Explorer.handle(.char(c), &s) }
        let out = Explorer.handle(.enter, &s)
        #expect(out == [.applied(.answer(q.answerText))])
        #expect(s.quiz.right == 1 && s.quiz.asked == 1 && s.prompt == nil && s.history.isEmpty)
        // The screen shows the score and, for a question waiting, the question in its box.
        _ = Explorer.handle(.right, &s)
        let screen = Screen.render(s, width: 100, height: 30).text
        #expect(screen.contains("quiz 1/1") && screen.contains(s.quiz.pending!.text.prefix(30)) && screen.contains("answer: _"))
    }
}

/// The curated lessons: every `:explain` in them succeeds and adds up, every note is shown, and
/// their quizzes are answered as the README says.
struct LessonTests {
    @Test func lessonsExplainWithoutErrors() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sessions")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("lesson-") }.sorted()
        #expect(files.count == 5, "\(files)")
        for f in files {
            let file = try Session.parse(Array(try Data(contentsOf: dir.appendingPathComponent(f))))
            let s0 = spiralState(seed: file.header.config.seed)
            try #require(s0.config == file.header.config, "\(f): the lessons run on the default spirals")
            var s = s0, explained = 0, notes = 0
            for case .action(_, let a) in file.lines {
                Explorer.reduce(into: &s, a)
                #expect(!s.status.isError, "\(f): \(a) → \(s.status.text)")
                if case .explain = a { #expect(s.explanation?.agrees == true, "\(f): \(a)"); explained += 1 }
                if case .mark(let text) = a {
                    notes += 1
                    let screen = Screen.render(s, width: file.header.columns, height: file.header.rows).text
                    #expect(screen.contains("┌─ note") && screen.contains(text.prefix(20)), "\(f): note \(text)")
                }
            }
            #expect(notes >= 4 && explained >= 1, "\(f)")
            if f.contains("two-branches") { #expect(s.quiz.right == 3 && s.quiz.asked == 3) }
        }
    }
}
