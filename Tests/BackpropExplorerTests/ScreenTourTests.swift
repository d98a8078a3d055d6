import Testing
@testable import BackpropExplorer

/// A tour of the screens a student sees first, asserted line by line (what a smoke test printed).
struct ScreenTourTests {
    func lines(_ s: ExplorerState, _ w: Int, _ h: Int) -> [String] { Screen.render(s, width: w, height: h).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    @Test func forwardBackwardAndTheEnd() {
        var s = spiralState()
        for _ in 0..<5 { Explorer.reduce(into: &s, .stepForward) }
        let forward = lines(s, 80, 24)
        #expect(forward[0].contains("step 5/22 forward"))
        #expect(forward.contains { $0.contains("forward 5/11: U3 = sqr(W1)   (3×8) → 3×8") })
        #expect(forward.contains { $0.hasPrefix(" U3  3×8  min") })
        for _ in 0..<9 { Explorer.reduce(into: &s, .stepForward) }
        let backward = lines(s, 80, 24)
        #expect(backward[0].contains("step 14/22 backward"))
        #expect(backward.contains { $0.contains("backward 3/11 at u7 = add(u4, u6)") })
        #expect(backward.contains { $0.contains("∇u4 J += ∇u7 J   → 1×1") } && backward.contains { $0.contains("∇u6 J += ∇u7 J   → 1×1") })
        Explorer.reduce(into: &s, .last)
        let end = lines(s, 120, 40)
        #expect(end[0].contains("step 22/22 backward"))
        #expect(end.contains { $0.contains("done: ∇W2 J = Hᵀ G + 2λW2 and ∇W1 J = Xᵀ G' + 2λW1") })
        #expect(end.contains { $0.contains("[∇W2 J]  Hᵀ G   2λW2   ∇W1 J   Xᵀ G'   2λW1   G'") })
        #expect(end.contains { $0.contains("loss curve") })
        // The reduced layout keeps the graph and the step; the widest line fits.
        let small = lines(s, 40, 12)
        #expect(small.count == 12 && small.allSatisfy { $0.count <= 40 })
        #expect(small[0].contains("step 22/") && small.contains { $0.contains("X─┬▶U1─▶H─┬▶U2") })
    }
}
