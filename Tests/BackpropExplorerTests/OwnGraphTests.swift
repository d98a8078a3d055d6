import BackpropCore
import BackpropIO
import Testing
@testable import BackpropExplorer

/// `--graph FILE`: another model over X, y, W1, W2, stepped, checked, trained and recorded.
@Suite struct OwnGraphTests {
    static let tanhNet = """
        X = input()
        W1 = param()
        U1 = matmul(X, W1)
        H = tanh(U1)
        W2 = param()
        U2 = matmul(H, W2)
        y = input()
        J_MLE = cross_entropy(U2, y)
        U3 = sqr(W2)
        u4 = sum(U3)
        u5 = scale(u4, λ)
        J = add(J_MLE, u5)
        """

    func state() throws -> ExplorerState {
        let src = try DataSource.load("spiral")
        let c = ExplorerConfig(data: "spiral", dataDigest: src.train.digest, hidden: 6, batchSize: 8, lr: 1, lambda: 1e-3, seed: 3, graph: Self.tanhNet)
        return try ExplorerState(config: c, train: src.train, test: src.test)
    }

    /// `:explain` on an own graph (sigmoid, tanh, scale): every entry of every value and
    /// gradient, quiz questions at its steps, all from the op table, none from Figure 6.11.
    @Test func explainAndQuizOnAnOwnGraph() throws {
        let src = try DataSource.load("spiral")
        let text = """
            X = input()
            W1 = param()
            U1 = matmul(X, W1)
            H = sigmoid(U1)
            W2 = param()
            U2 = matmul(H, W2)
            P = tanh(U2)
            y = input()
            J_MLE = cross_entropy(P, y)
            U3 = sqr(W1)
            u4 = sum(U3)
            u5 = scale(u4, λ)
            J = add(J_MLE, u5)
            """
        let c = ExplorerConfig(data: "spiral", dataDigest: src.train.digest, hidden: 5, batchSize: 6, lr: 1, lambda: 1e-2,
                               seed: 4, graph: text)
        var s = try ExplorerState(config: c, train: src.train, test: src.test)
        s = applying([.last], to: s)
        var explained = 0
        for n in s.graph.nodes {
            for name in [n.name, "grad_" + n.name] {
                guard case .success(let p) = s.resolve(name) else { continue }
                for i in 0..<p.matrix.rows { for j in 0..<p.matrix.cols {
                    Explorer.reduce(into: &s, .explain("\(name)[\(i),\(j)]"))
                    let x = try #require(s.explanation, "\(name)[\(i),\(j)]: \(s.status.text)")
                    #expect(x.agrees, "\(x.line)")
                    explained += 1
                } }
            }
        }
        #expect(explained > 100)
        // The quiz asks at every backward step of this graph too.
        var q = applying([.quiz(true), .backwardPhase], to: s)
        while !q.stepper.atEnd {
            Explorer.reduce(into: &q, .stepForward)
            let question = try #require(q.quiz.pending)
            Explorer.reduce(into: &q, .answer(question.answerText))
            #expect(q.status.text.hasPrefix("✓"), "\(question.text): \(q.status.text)")
        }
        #expect(q.quiz.asked == s.engine.backwardNodes.count)
    }

    @Test func stepsChecksAndTrainsAnotherGraph() throws {
        let s0 = try state()
        #expect(s0.graph != Figure611.graph && s0.stepCount == 16)
        let end = applying([.last], to: s0)
        // Every gradient panel of every backward step agrees with finite differences.
        var s = applying([.backwardPhase], to: s0)
        var checked = 0
        while !s.stepper.atEnd {
            Explorer.reduce(into: &s, .stepForward)
            for tab in 0..<s.inspection.panels.count where s.inspection.panels[tab].check != nil {
                let c = applying(Array(repeating: .nextTab, count: tab) + [.check], to: s)
                #expect(c.check?.passed == true, "\(c.check?.title ?? "no check")")
                checked += 1
            }
        }
        #expect(checked >= 8)
        // No Figure 6.11 names leak into another graph.
        #expect(end.inspection.lines.allSatisfy { !$0.contains("Hᵀ G + 2λW2") })
        #expect(applying([.inspect("G")], to: end).status.isError)
        let trained = applying([.train(steps: 200)], to: s0)
        #expect(trained.losses.count == 200 && trained.trainAccuracy != nil && !trained.status.isError)
        let early: Double = trained.losses.prefix(20).reduce(0, +) / 20
        let late: Double = trained.losses.suffix(20).reduce(0, +) / 20
        #expect(late < early)
    }

    @Test func sessionsCarryTheGraph() throws {
        let s0 = try state()
        let h = Session.Header(config: s0.config, columns: 80, rows: 24)
        let back = try Session.decodeHeader(Array(Session.encode(h).utf8))
        #expect(back.config.graph == Self.tanhNet)
        let bad = Session.encode(h).replacingOccurrences(of: "tanh(U1)", with: "tan(U1)")
        #expect(throws: SessionError.self) { try Session.decodeHeader(Array(bad.utf8)) }
    }

    @Test func screen() throws {
        let r = Golden.check("own-graph-80x24", Screen.render(applying([.goto("grad_H")], to: try state()), width: 80, height: 24))
        #expect(r.ok, "\(r.message)")
    }

    @Test func aShapeErrorShowsAtStartNamingTheNode() throws {
        let src = try DataSource.load("spiral")
        let text = Self.tanhNet.replacingOccurrences(of: "U2 = matmul(H, W2)", with: "U2 = matmul(W2, H)")
        let c = ExplorerConfig(data: "spiral", dataDigest: src.train.digest, hidden: 6, batchSize: 8, lr: 1, lambda: 1e-3, seed: 3, graph: text)
        #expect(throws: EvalError.self) { try ExplorerState(config: c, train: src.train, test: src.test) }
        do { _ = try ExplorerState(config: c, train: src.train, test: src.test) } catch {
            #expect("\(error)".contains("node U2 (U2 = matmul(W2, H))"), "\(error)")
        }
    }

    @Test func graphsThatDoNotFitTheExampleAreRefused() {
        for (text, words) in [("X = input()\ny = input()\nb1 = param()\nJ = sum(b1)\n", "3:6: wrong arity: param takes 2 sizes, e.g. b1 = param(1, h)"),
                              ("X = input()\ny = input()\nb1 = param(1, q)\nJ = sum(b1)\n", "3:15: unknown size 'q'; expected a whole number"),
                              ("X = input()\ny = input()\nb1 = param(1, h)\nb2 = param(1, h)\nJ = sum(b1)\n", "parameter b2 does not reach the loss J"),
                              ("X = input()\nW1 = param()\nW2 = param()\nJ = sum(W1)\n", "expected X and y"),
                              ("x = input(\n", "1:")] {
            #expect(throws: ExplorerError.self) { try ExplorerConfig.graph(from: text) }
            do { _ = try ExplorerConfig.graph(from: text) } catch { #expect(error.message.contains(words), "\(error.message)") }
        }
    }

    /// An own graph's `@` lines name its quantities as Figure 6.11's file names G and Hᵀ G: the
    /// names in the backward formulas, inspector tabs, goto, explain, and the payoff at the end.
    @Test func annotationsNameAnOwnGraphsQuantities() throws {
        let src = try DataSource.load("spiral")
        let text = """
            X = input()
            W1 = param(d, h)
            b1 = param(1, h)
            A1 = matmul(X, W1)
            U1 = add(A1, b1)
            H = relu(U1)
            W2 = param(h, k)
            U2 = matmul(H, W2)
            y = input()
            J_MLE = cross_entropy(U2, y)
            S = sqr(W2)
            s = sum(S)
            u = scale(s, λ)
            J = add(J_MLE, u)
            @delta = grad(U1) "δ"
            @data_W2 = from(U2, W2) "Hᵀ ∇U2"
            @decay = from(S, W2) "2λW2"

            """
        let c = ExplorerConfig(data: "spiral", dataDigest: src.train.digest, hidden: 5, batchSize: 6, lr: 1,
                               lambda: 1e-2, seed: 4, graph: text)
        var s = try ExplorerState(config: c, train: src.train, test: src.test)
        Explorer.reduce(into: &s, .goto("δ"))
        #expect(s.currentNode == s.graph.id("U1") && s.inBackward, "\(s.status.text)")
        // The gradient at U1 is called δ in the formulas, and its panel carries relu's mask.
        #expect(s.inspection.panels[0].title == "δ")
        #expect(s.inspection.lines.contains { $0.contains("∇A1 J += δ") && !$0.contains("∇U1 J") },
                "\(s.inspection.lines)")
        guard case .success(let p) = s.resolve("delta") else { Issue.record("delta"); return }
        #expect(p.title == "δ" && p.mask != nil)
        Explorer.reduce(into: &s, .explain("δ[0,0]"))
        #expect(s.explanation?.agrees == true, "\(s.status.text)")
        // At the end: ∇W2 J as its two named terms, the last-arrived first, each with its check.
        Explorer.reduce(into: &s, .last)
        #expect(s.inspection.lines[1].hasPrefix("done: ∇W2 J = Hᵀ ∇U2 + 2λW2"), "\(s.inspection.lines)")
        #expect(s.inspection.panels.map(\.title).prefix(3) == ["∇W2 J", "Hᵀ ∇U2", "2λW2"])
        let checks = s.inspection.panels.prefix(3).map { $0.check.map { "\($0.of)/\($0.wrt)" } ?? "-" }
        #expect(checks == ["J/W2", "J_MLE/W2", "u/W2"], "\(checks)")
        #expect(ExplorerState.inspectableNames(s.graph).contains("data_W2"))
    }
}
