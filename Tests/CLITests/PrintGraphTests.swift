import TestSupport
import Foundation
import Testing

/// `--print-graph`: the forward program with shapes and the backward program in the engine's
/// order, without a terminal. Goldens in Tests/CLITests/Golden (BACKPROP_UPDATE_GOLDEN=1 rewrites).
@Suite struct PrintGraphTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func check(_ name: String, _ args: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let r = Binary.run(["--print-graph"] + args)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)", sourceLocation: sourceLocation)
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["BACKPROP_UPDATE_GOLDEN"] == "1" {
            try? r.stdout.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? "(no golden \(name))"
        #expect(r.stdout == expected, "\(r.stdout)", sourceLocation: sourceLocation)
    }

    @Test func figure611() {
        check("print-graph-figure-6.11.txt", [])
        check("print-graph-figure-6.11-f32.txt", ["--precision", "float32", "--hidden", "5", "--batch-size", "4"])
    }

    @Test func anOwnGraph() {
        let path = tempDir() + "/tanh.txt"
        let text = "X = input()\nW1 = param()\nU1 = matmul(X, W1)\nH = tanh(U1)\nW2 = param()\nU2 = matmul(H, W2)\n"
            + "y = input()\nJ_MLE = cross_entropy(U2, y)\nU3 = sqr(W2)\nu4 = sum(U3)\nu5 = scale(u4, λ)\nJ = add(J_MLE, u5)\n"
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
        check("print-graph-tanh.txt", ["--graph", path, "--hidden", "6"])
    }

    /// Each backward line is one contribution the engine adds, in its order: W1 and W2 get two
    /// each (the data term and the weight decay), and the program's lines are the engine's steps.
    @Test func theBackwardProgramIsTheEnginesOrder() {
        let out = Binary.run(["--print-graph"]).stdout.split(separator: "\n")
        let backward = out.drop { !$0.hasPrefix("# backward") }.dropFirst()
        #expect(backward.filter { $0.hasPrefix("grad_W1:") }.count == 2 && backward.filter { $0.hasPrefix("grad_W2:") }.count == 2)
        #expect(backward.last?.hasPrefix("grad_W1: f64[3, 8] += matmul(transpose(X), grad_U1)   # Xᵀ G'") == true)
        let bad = Binary.run(["--print-graph", "--replay", "x.jsonl"])
        #expect(bad.status == 64 && bad.stderr.contains("cannot be combined with --print-graph"))
    }
}
