import BackpropCore
import Foundation
import Testing
@testable import BackpropExplorer

/// `:break`, `:watch`, `:breaks` and `:delete` in the explorer, on the loop `--batch` drives.
@Suite struct BreakpointTests {
    @Test func breakAndWatchAreKeptListedAndDeleted() {
        var s = spiralState()
        for a in REPLLines.parse([":watch norm(grad_W1)", ":break J > 100", ":watch u8 >= 0"]) { Explorer.reduce(into: &s, a) }
        #expect(s.probes.map(\.stops) == [false, true, false])
        Explorer.reduce(into: &s, .listProbes)
        #expect(s.status.text == "1 watch norm(grad_W1) · 2 break J > 100 · 3 watch u8 >= 0")
        // Before back-propagation the gradient has no value; at the end every probe has one.
        Explorer.reduce(into: &s, .first)
        #expect(s.watchLine == "1 norm(grad_W1): – · 2 J > 100: – · 3 u8 >= 0: –")
        Explorer.reduce(into: &s, .last)
        let line = try! #require(s.watchLine)
        let norm = TensorHealth(s.engineState.grads[s.graph.id("W1")!]!).norm
        #expect(line.hasPrefix("1 norm(grad_W1): \(formatNumber(norm)) · 2 J > 100: \(formatNumber(s.engineState.values[s.graph.loss]!.scalar))"), "\(line)")
        Explorer.reduce(into: &s, .deleteProbe(2))
        #expect(s.probes.map(\.text) == ["norm(grad_W1)", "u8 >= 0"] && s.status.text == "deleted breakpoint 2: J > 100")
        Explorer.reduce(into: &s, .deleteProbe(5))
        #expect(s.status.isError && s.status.text.contains("expected 1 to 2"))
    }

    @Test(arguments: ["nrm(W1) > 1", "norm(Q) > 1", "U1 > 2", "J >", "dead(U2) > 0"])
    func aBadPredicateIsOneLineOnTheStatusLine(_ text: String) {
        var s = spiralState()
        Explorer.reduce(into: &s, .breakOn(text))
        #expect(s.status.isError && s.status.text.hasPrefix("'\(text)'") && !s.status.text.contains("\n"), "\(s.status.text)")
        #expect(s.probes.isEmpty)
    }

    /// Training stops at the update whose backward pass makes the breakpoint hold, without making
    /// it; stepping then stands where the NaN or Inf was made. The same as training without it,
    /// up to that update.
    @Test func trainingStopsWhereItHoldsAndSteppingShowsTheOrigin() throws {
        var s = spiralState()
        Explorer.reduce(into: &s, .set(.lr, 1e6))
        var plain = s
        Explorer.reduce(into: &s, .breakOn("nonfinite"))
        Explorer.reduce(into: &s, .train(steps: 200))
        let m = try #require(s.status.text.firstMatch(of: #/breakpoint: nonfinite at update (\d+) \(epoch \d+\): not finite, made by (\S+) /#))
        let update = try #require(Int(m.1))
        #expect(s.updates == update - 1, "the update that broke was not made")
        let origin = try #require(s.graph.id(String(m.2)))
        #expect(s.engine.node(atStep: s.position - 1) == origin, "stepped to the step that made it: \(s.status.text)")
        let v = try #require(s.engineState.values[origin])
        #expect(!v.isFinite && s.graph.inputIndices[origin].allSatisfy { s.engineState.values[$0]!.isFinite })
        // Without the breakpoint, the same run diverges at that update, from the same weights.
        Explorer.reduce(into: &plain, .train(steps: update - 1))
        #expect(plain.params.map(\.value) == s.params.map(\.value) && plain.batch == s.batch)
        Explorer.reduce(into: &plain, .train(steps: 10))
        #expect(plain.status.text.hasPrefix("update \(update): "), "\(plain.status.text)")
        // Health pills: the origin and what it fed are marked in the graph, counted in the inspector.
        let screen = Screen.render(s, width: 120, height: 40).lines
        let name = s.graph.nodes[origin].name
        let row = try #require(screen.firstIndex { $0.contains(" \(name) ") || $0.contains("▶\(name) ") })
        let col = screen[row].distance(from: screen[row].startIndex, to: try #require(screen[row].range(of: name)).lowerBound)
        let below = String(Array(screen[row + 1]).dropFirst(col))
        #expect(below.hasPrefix("✗ Inf") || below.hasPrefix("✗ NaN"), "the pill under \(name): \(screen[row + 1])")
        #expect(screen.contains { $0.hasPrefix(" \(name)  ") && $0.contains("+Inf") && $0.contains("NaN ") }, "\(screen.joined(separator: "\n"))")
        #expect(screen.contains { $0.hasPrefix(" watch 1 nonfinite: ✋ holds") })
        // `last` stops at the breakpoint's step too.
        Explorer.reduce(into: &s, .first)
        Explorer.reduce(into: &s, .last)
        #expect(s.engine.node(atStep: s.position - 1) == origin && s.status.text.hasPrefix("breakpoint 1 holds: nonfinite"))
        // A session replays it: the same stop.
        var replayed = spiralState()
        for a in [Action.set(.lr, 1e6), .breakOn("nonfinite"), .train(steps: 200)] { Explorer.reduce(into: &replayed, a) }
        #expect(replayed.updates == s.updates && replayed.params.map(\.value) == s.params.map(\.value))
    }
}

/// Command lines through the REPL, as typed after `:`.
enum REPLLines {
    static func parse(_ lines: [String]) -> [Action] {
        lines.compactMap { l in
            if case .success(.action(let a)) = REPL.parse(String(l.dropFirst())) { return a }
            return nil
        }
    }
}
