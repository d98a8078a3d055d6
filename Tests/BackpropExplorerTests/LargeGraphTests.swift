import BackpropCore
import BackpropIO
import Testing
@testable import BackpropExplorer

/// Graphs larger than Figure 6.11 in the TUI: a 27-node two-hidden-layer net drawn whole in
/// 120×40, a five-layer one panned to follow the step, `/` to find a node, `{` and `}` to walk
/// to producers and consumers.
@Suite struct LargeGraphTests {
    static func deep(_ layers: Int, decay: Bool) -> String {
        var lines = ["X = input()", "y = input()"], previous = "X"
        for i in 1...layers {
            let last = i == layers
            lines += ["W\(i) = param(\(i == 1 ? "d" : "h"), \(last ? "k" : "h"))", "b\(i) = param(1, \(last ? "k" : "h"))",
                      "A\(i) = matmul(\(previous), W\(i))", "U\(i) = add(A\(i), b\(i))"]
            if !last { lines.append("H\(i) = relu(U\(i))"); previous = "H\(i)" }
        }
        guard decay else { return (lines + ["J = cross_entropy(U\(layers), y)"]).joined(separator: "\n") + "\n" }
        lines.append("J_MLE = cross_entropy(U\(layers), y)")
        var total = ""
        for i in 1...layers {
            lines += ["S\(i) = sqr(W\(i))", "s\(i) = sum(S\(i))"]
            if i == 1 { total = "s1" } else { lines.append("t\(i) = add(\(total), s\(i))"); total = "t\(i)" }
        }
        lines += ["u = scale(\(total), λ)", "J = add(J_MLE, u)"]
        return lines.joined(separator: "\n") + "\n"
    }

    func state(_ text: String) throws -> ExplorerState {
        let src = try DataSource.load("spiral")
        let c = ExplorerConfig(data: "spiral", dataDigest: src.train.digest, hidden: 8, batchSize: 8, lr: 1,
                               lambda: 1e-3, seed: 3, graph: text)
        return try ExplorerState(config: c, train: src.train, test: src.test)
    }

    @Test func twentySevenNodesAreDrawnWholeIn120x40() throws {
        let s = try state(Self.deep(3, decay: true))
        #expect(s.graph.nodes.count == 27)
        let lines = Screen.render(s, width: 120, height: 40).lines
        #expect(!lines.contains { $0.contains("graph hidden") })
        let graphLines = lines[1..<20].joined(separator: "\n")
        for n in s.graph.nodes { #expect(graphLines.contains(n.name), "\(n.name) is not drawn") }
        #expect(!graphLines.contains("◀"), "nothing is panned out of view")
        // The inspector keeps its room below.
        #expect(lines.contains { $0.contains("before the forward pass") })
    }

    @Test func aWideGraphPansToFollowTheStep() throws {
        var s = try state(Self.deep(6, decay: false))
        let first = Screen.render(s, width: 100, height: 40).lines
        #expect(!first.contains { $0.contains("graph hidden") })
        #expect(first[1..<18].contains { $0.hasSuffix("▶") }, "a ▶ marks more to the right:\n\(first.joined(separator: "\n"))")
        // At U6 (the last layer) the window has moved right: U6 is on screen, X is not.
        Explorer.reduce(into: &s, .goto("U6"))
        let later = Screen.render(s, width: 100, height: 40).lines
        let graph = later[1..<18].joined(separator: "\n")
        #expect(graph.contains("U6 8×3"), "\(graph)")
        #expect(!graph.contains("X 8×3"), "\(graph)")
        #expect(graph.contains("◀"), "a ◀ marks more to the left")
        // The same in ASCII.
        let ascii = Screen.render(s, width: 100, height: 40, options: RenderOptions(unicode: false)).lines
        #expect(ascii[1..<18].joined().contains("<"))
    }

    @Test func aTallGraphScrollsToFollowTheStep() throws {
        var s = try state(Self.deep(6, decay: true))
        Explorer.reduce(into: &s, .goto("u"))
        let lines = Screen.render(s, width: 80, height: 24).lines
        let graph = lines[1..<11].joined(separator: "\n")
        // u sits low in the layout: the window has scrolled down to it, and ▲ says more lies above.
        #expect(graph.contains("▶u"), "\(graph)")
        #expect(graph.contains("▲"), "\(graph)")
        Explorer.reduce(into: &s, .first)
        #expect(!Screen.render(s, width: 80, height: 24).lines[1..<11].joined().contains("▲"))
    }

    @Test func slashFindsANode() throws {
        var s = try state(Self.deep(3, decay: true))
        for k: Key in [.char("/"), .char("H"), .char("2"), .enter] { _ = Explorer.handle(k, &s) }
        #expect(s.currentNode == s.graph.id("H2"))
        #expect(s.status.text.contains("H2 = relu(U2)"), "\(s.status.text)")
        for k: Key in [.char("/"), .char("Q"), .enter] { _ = Explorer.handle(k, &s) }
        #expect(s.status.isError && s.status.text.contains("Q"), "\(s.status.text)")
    }

    @Test func producersAndConsumers() throws {
        var s = try state(Self.deep(3, decay: true))
        Explorer.reduce(into: &s, .producer)
        #expect(s.status.isError && s.status.text.contains("take a step first"))
        Explorer.reduce(into: &s, .goto("H2"))
        Explorer.reduce(into: &s, .producer)   // H2 reads U2
        #expect(s.currentNode == s.graph.id("U2"))
        Explorer.reduce(into: &s, .producer)   // U2 reads A2 (then b2, a leaf)
        #expect(s.currentNode == s.graph.id("A2"))
        Explorer.reduce(into: &s, .producer)   // A2 reads H1
        #expect(s.currentNode == s.graph.id("H1"))
        Explorer.reduce(into: &s, .consumer)   // H1 is read by A2
        #expect(s.currentNode == s.graph.id("A2"))
        #expect(!s.inBackward)
        // In back-propagation the same keys move between backward steps.
        Explorer.reduce(into: &s, .goto("grad_U2"))
        #expect(s.inBackward && s.currentNode == s.graph.id("U2"))
        Explorer.reduce(into: &s, .producer)   // U2's gradient goes on to A2
        #expect(s.inBackward && s.currentNode == s.graph.id("A2"))
        Explorer.reduce(into: &s, .consumer)
        #expect(s.currentNode == s.graph.id("U2"))
        // A node of the first layer reads only leaves; the loss is read by nothing.
        Explorer.reduce(into: &s, .goto("A1"))
        Explorer.reduce(into: &s, .producer)
        #expect(s.status.isError && s.status.text == "A1 reads X, W1: no step in the forward pass", "\(s.status.text)")
        Explorer.reduce(into: &s, .goto("J"))
        Explorer.reduce(into: &s, .consumer)
        #expect(s.status.text.contains("J is read by nothing"), "\(s.status.text)")
    }

}
