import Foundation
import BackpropCore
import BackpropIO
import Testing
@testable import BackpropExplorer
import BackpropData

/// Screens rendered without a terminal and compared with golden text files.
@Suite struct ScreenTests {
    let s0 = spiralState()

    func golden(_ name: String, _ grid: CellGrid, sourceLocation: SourceLocation = #_sourceLocation) {
        let r = Golden.check(name, grid)
        #expect(r.ok, "\(r.message)", sourceLocation: sourceLocation)
    }

    @Test func start80x24() { golden("start-80x24", Screen.render(s0, width: 80, height: 24)) }

    @Test func atG80x24() { golden("G-80x24", Screen.render(applying([.goto("G")], to: s0), width: 80, height: 24)) }

    /// The backward program pane: the lines of the step just taken (Hᵀ G and G W2ᵀ at U2) highlighted.
    @Test func backwardProgramPane() {
        let s = applying([.goto("G"), .toggleProgram], to: s0)
        let grid = Screen.render(s, width: 100, height: 40)
        golden("program-100x40", grid)
        let lines = grid.text.split(separator: "\n").map(String.init)
        let program = lines.indices.filter { lines[$0].contains(" │ grad_") }
        let hot = program.filter { y in grid.cells[y * grid.width + 1].style.reverse }
        #expect(program.count == 15)
        #expect(hot.map { lines[$0] } == program.filter { lines[$0].hasPrefix(" U2 ") }.map { lines[$0] })
        #expect(hot.count == 2 && lines[hot[1]].contains("grad_W2: f64[8, 3] += matmul(transpose(H), grad_U2)   # Hᵀ G"))
        #expect(applying([.toggleProgram], to: s).showProgram == false)
    }

    @Test func reluMaskMarksZeroedEntries() {
        // The relu step: its contribution to U1 is G', with U1 ≤ 0 entries marked.
        let relu = applying([.goto("grad_H"), .nextTab], to: s0)
        #expect(relu.selectedPanel?.title == "→G'")
        let grid = Screen.render(relu, width: 80, height: 24)
        golden("Gprime-80x24", grid)
        let u1 = relu.engineState.values[relu.engine.graph.id("U1")!]!
        let zeroed = u1.storage.filter { $0 <= 0 }.count
        #expect(zeroed > 0)
        // Where the whole 8×8 matrix fits, every zeroed entry, and only those, is marked.
        let wide = Screen.render(relu, width: 200, height: 40)
        let body = wide.lines.drop { !$0.contains("→G'  8×8") }.dropFirst(2).prefix(8)
        #expect(body.map { $0.filter { $0 == "·" }.count }.reduce(0, +) == zeroed)
        for (i, line) in body.enumerated() {
            #expect(line.filter { $0 == "·" }.count == (0..<8).filter { u1[i, $0] <= 0 }.count)
        }
    }

    @Test func end120x40AfterTraining() {
        golden("end-120x40", Screen.render(applying([.train(steps: 30), .last], to: s0), width: 120, height: 40))
    }

    @Test func reduced40x12() { golden("U2-40x12", Screen.render(applying([.goto("G")], to: s0), width: 40, height: 12)) }

    @Test func tooSmall() {
        golden("small-20x5", Screen.render(s0, width: 20, height: 5))
        golden("small-1x1", Screen.render(s0, width: 1, height: 1))
        #expect(Screen.render(s0, width: 39, height: 30).lines[0] == "terminal too small (need 40×12)")
        #expect(Screen.render(s0, width: 100, height: 11).lines[0] == "terminal too small (need 40×12)")
    }

    @Test func helpAndCheck() {
        golden("help-80x24", Screen.render(applying([.toggleHelp], to: s0), width: 80, height: 24))
        golden("check-80x24", Screen.render(applying([.last, .nextTab, .check], to: s0), width: 80, height: 24))
    }

    @Test func asciiFallback() {
        let grid = Screen.render(applying([.goto("G")], to: s0), width: 80, height: 24, options: RenderOptions(unicode: false)).ascii()
        #expect(grid.cells.allSatisfy { $0.char.isASCII })
        golden("G-80x24-ascii", grid)
    }

    @Test func genericLayoutForAnotherGraph() throws {
        let g = try Graph(parsing: """
            x = input()
            W = param(d, h)
            V = param(h, k)
            a = matmul(x, W)
            h = tanh(a)
            o = matmul(h, V)
            t = input()
            L = mse(o, t)
            """)
        let layout = GraphLayout.of(g)
        #expect(layout != GraphLayout.figure611)
        let d = GraphDiagram(graph: g, layout: layout, shapes: Array(repeating: nil, count: g.nodes.count),
                             values: Array(repeating: true, count: g.nodes.count), gradNorms: Array(repeating: nil, count: g.nodes.count),
                             current: g.id("h"), backward: false, gradientEdges: [])
        var grid = CellGrid(width: 60, height: 8)
        #expect(d.draw(into: &grid, rect: Rect(x: 0, y: 0, width: 60, height: 8), options: .init()))
        golden("generic-graph", grid)
        for n in g.nodes { #expect(grid.text.contains(n.name)) }
    }

    @Test func picturesForImageData() {
        var rng = SeededGenerator(seed: 3)
        let n = 64, d = 784
        let train = Dataset(name: "images", features: .bytes((0..<(n * d)).map { i in UInt8(((i % d) / 28 + (i % 28)) * 4 % 256) }),
                            labels: (0..<n).map { _ in UInt8(rng.nextIndex(below: 10)) }, count: n, d: d, classes: 10,
                            imageSide: 28, digest: "test")
        let c = ExplorerConfig(data: "images", dataDigest: "test", hidden: 4, batchSize: 4, lr: 0.1, lambda: 1e-3, seed: 1)
        let s = try! ExplorerState(config: c, train: train, test: nil)
        let end = applying([.last], to: s)
        golden("pictures-120x40", Screen.render(end, width: 120, height: 40, options: RenderOptions(grays: false)))
        // The pictures tab (after the matrices) at 80×24.
        let tabs = end.inspection.panels.count
        let p = applying(Array(repeating: .nextTab, count: tabs), to: end)
        #expect(p.picturesSelected)
        golden("pictures-80x24", Screen.render(p, width: 80, height: 24, options: RenderOptions(grays: false)))
    }

    @Test func nothingCrashesAtAnySize() {
        let states = [s0, applying([.goto("G")], to: s0), applying([.last, .check], to: s0), applying([.toggleHelp], to: s0)]
        for s in states {
            for w in [0, 1, 2, 10, 39, 40, 41, 60, 79, 80, 81, 119, 120, 200, 300] {
                for h in [0, 1, 2, 5, 11, 12, 13, 16, 23, 24, 25, 35, 36, 40, 100] {
                    let g = Screen.render(s, width: w, height: h)
                    #expect(g.width == w && g.height == h)
                    // Every line fits; at 40×12 and up the header shows the step, below it a notice.
                    let text = g.text.split(separator: "\n", omittingEmptySubsequences: false)
                    #expect(text.allSatisfy { $0.count <= w }, "\(w)×\(h)")
                    if w >= 80 && h >= 12 { #expect(text.first?.contains("step \(s.position)/22") == true, "\(w)×\(h)") }
                    else if w >= 40 && h >= 12 { #expect(text.first?.hasPrefix(" spiral 3→8→3") == true, "\(w)×\(h)") }
                    else if w >= 18 && h >= 1 { #expect(g.text.hasPrefix("terminal too small"), "\(w)×\(h): \(g.text)") }
                }
            }
        }
    }
}

/// Untrusted text (a CSV header, a file name) reaches the screen with control characters escaped.
@Suite struct UntrustedTextTests {
    @Test func aCSVHeaderWithAnEscapeSequenceIsShownInert() throws {
        let dir = NSTemporaryDirectory() + "bp-inert-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/evil\u{7}.csv"
        let rows = (0..<20).map { "\($0 % 2),\(Double($0) / 10),\(Double($0 % 3))" }.joined(separator: "\n")
        // C0 control bytes (ESC, BEL) are refused by the loader; C1 controls (CSI U+009B, OSC U+009D)
        // are multi-byte UTF-8 text and reach the header: they must be shown inert.
        try ("label,\u{1B}[31mred,b\n" + rows + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: IOError.self) { try DataSource.load(path) }
        try ("label,\u{9B}31mred\u{9D}0;owned,b\n" + rows + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let src = try DataSource.load(path)
        let c = ExplorerConfig(data: path, dataDigest: src.train.digest, hidden: 4, batchSize: 4, lr: 1, lambda: 1e-3, seed: 1)
        let s = try ExplorerState(config: c, train: src.train, test: nil)
        for (w, h) in [(80, 24), (120, 40), (40, 12)] {
            let grid = Screen.render(s, width: w, height: h)
            #expect(!grid.cells.contains { $0.char.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }, "\(w)×\(h)")
        }
        let text = Screen.render(s, width: 200, height: 40).text
        #expect(text.contains("\\u{009B}31mred"), "\(text)")
        #expect(text.contains("evil\\u{07}.csv"))
    }
}
