import Testing
@testable import BackpropCore

struct GraphTextTests {
    @Test func figure611PrintsInTheBooksNamesAndRoundTrips() throws {
        let g = Figure611.graph
        #expect(g.nodes.map(\.name) == ["X", "W1", "U1", "H", "W2", "U2", "y", "J_MLE", "U3", "u4", "U5", "u6", "u7", "u8", "J"])
        #expect(g.description == Figure611.text)
        #expect(try Graph(parsing: g.description) == g)
        #expect(g["U1"]!.text == "U1 = matmul(X, W1)")
        #expect(g["u8"]!.text == "u8 = scale(u7, λ)")
        // Sizes print as written and give the shapes; W1 and W2 without sizes are d×h and h×k.
        let b = try Graph(parsing: "X = input()\nW1 = param()\nb1 = param(1, h)\nW9 = param(64, k)\nU = matmul(X, W1)\n")
        #expect(b["b1"]!.text == "b1 = param(1, h)" && b.description.contains("W9 = param(64, k)"))
        #expect(try Graph(parsing: b.description) == b)
        #expect(b.parameterShapes(d: 3, k: 5, h: 7).map { "\($0.name) \($0.shape.rows)×\($0.shape.cols)" } == ["W1 3×7", "b1 1×7", "W9 64×5"])
    }

    @Test func randomGraphsRoundTrip() throws {
        let ops: [(String, Int, Int)] = [("matmul", 2, 0), ("relu", 1, 0), ("sqr", 1, 0), ("sum", 1, 0), ("add", 2, 0),
                                         ("scale", 1, 1), ("tanh", 1, 0), ("sigmoid", 1, 0), ("mse", 2, 0), ("cross_entropy", 2, 0)]
        for seed in UInt64(0)..<200 {
            var r = SeededGenerator(seed: seed)
            var names: [String] = []
            var lines: [String] = []
            for i in 0..<(1 + r.nextIndex(below: 3)) { names.append("x\(i)"); lines.append("x\(i) = \(r.nextUnit() < 0.5 ? "input()" : "param(\(["1", "d", "h", "64"][r.nextIndex(below: 4)]), k)")") }
            for i in 0..<(1 + r.nextIndex(below: 12)) {
                let (op, ni, nc) = ops[r.nextIndex(below: ops.count)]
                let args = (0..<ni).map { _ in names[r.nextIndex(below: names.count)] } + (0..<nc).map { _ in ["λ", "c_1", "α"][r.nextIndex(below: 3)] }
                let name = ["n\(i)", "U\(i)", "h'\(i)", "β\(i)"][r.nextIndex(below: 4)]
                lines.append("\(name) = \(op)(\(args.joined(separator: ", ")))")
                names.append(name)
            }
            let text = lines.joined(separator: "\n") + "\n"
            let g = try Graph(parsing: text)
            #expect(g.description == text, "seed \(seed)")
            #expect(try Graph(parsing: g.description) == g)
        }
    }

    @Test func whitespaceAndCommentsAreAccepted() throws {
        let g = try Graph(parsing: "# a comment\n\n  A = input( )  # trailing\nB=relu(A)\n")
        #expect(g.description == "A = input()\nB = relu(A)\n")
    }

    @Test func forwardReferencesAreOrderedForEvaluation() throws {
        let g = try Graph(parsing: "B = relu(A)\nA = param(2, 3)\nC = sum(B)\n")
        #expect(g.order.map { g.nodes[$0].name } == ["A", "B", "C"])
    }

    static let malformed: [(String, String, Int, Int, String)] = [
        ("unknown op", "X = input()\nU = matmull(X, X)\n", 2, 5, "unknown op 'matmull'"),
        ("wrong arity", "X = input()\nU = matmul(X)\n", 2, 5, "matmul takes 2 inputs, got 1"),
        ("arity of a constant op", "X = input()\nU = scale(X)\n", 2, 5, "scale takes 1 input and 1 constant, got 1"),
        ("leaf with arguments", "X = input(Y)\n", 1, 5, "input takes no arguments, got 1"),
        ("undefined name", "X = input()\nH = relu(X)\nU = matmul(H, W9)\n", 3, 15, "undefined name 'W9'"),
        ("assigned twice", "X = input()\nH = relu(X)\nH = sqr(X)\n", 3, 1, "'H' assigned twice (first on line 2)"),
        ("cycle", "X = input()\nA = add(X, B)\nB = relu(A)\n", 3, 10, "cycle A → B → A"),
        ("self cycle", "A = relu(A)\n", 1, 10, "cycle A → A"),
        ("missing =", "X input()\n", 1, 3, "expected '=', found 'i'"),
        ("missing (", "X = input\n", 1, 10, "expected '(', found end of line"),
        ("missing )", "X = input()\nH = relu(X\n", 2, 11, "expected ')', found end of line"),
        ("trailing text", "X = input() extra\n", 1, 13, "expected end of line, found 'e'"),
        ("bad name", "1X = input()\n", 1, 1, "expected a node name, found '1'"),
        ("empty argument", "X = input()\nA = add(X, )\n", 2, 12, "expected an argument name, found ')'"),
        ("constant that is a node", "X = param(2, 2)\nL = param(1, 1)\nS = scale(X, L)\n", 3, 14, "'L' is a node; expected a constant name"),
        ("empty graph", "\n# nothing\n", 1, 1, "empty graph"),
        ("param without sizes", "X = input()\nb1 = param()\n", 2, 6, "param takes 2 sizes, e.g. b1 = param(1, h), got 0"),
        ("one size", "b1 = param(h)\n", 1, 6, "param takes 2 sizes, e.g. b1 = param(1, h), got 1"),
        ("unknown size name", "W = param(d, n)\n", 1, 14, "unknown size 'n'; expected a whole number from 1 to 1048576, d (input features), k (classes) or h (--hidden)"),
        ("size zero", "W = param(0, k)\n", 1, 11, "unknown size '0'"),
        ("size with a sign", "W = param(-1, k)\n", 1, 11, "expected an argument name, found '-'"),
        ("control character", "X = input()\u{1B}\n", 1, 12, "found '\\u{1B}'"),
        ("unknown annotation", "X = input()\nH = relu(X)\n@g = grad2(H)\n", 3, 6,
         "unknown annotation 'grad2'; expected grad(NODE), from(NODE, INPUT) or value(NODE)"),
        ("annotation of no node", "X = input()\nH = relu(X)\n@g = grad(Q)\n", 3, 11, "undefined name 'Q'"),
        ("from a node that is not an input", "X = input()\nW1 = param()\nH = relu(X)\nU = matmul(H, W1)\n@t = from(H, W1)\n",
         5, 14, "'W1' is not an input of H; expected from(NODE, INPUT)"),
        ("annotation arity", "X = input()\nH = relu(X)\n@g = from(H)\n", 3, 6, "from takes 2 nodes, got 1"),
        ("annotation named as a node", "X = input()\nH = relu(X)\n@H = grad(H)\n", 3, 2, "'H' assigned twice (first on line 2)"),
        ("two annotations of one name", "X = input()\nH = relu(X)\n@g = grad(H)\n@g = value(H)\n", 4, 2,
         "'g' assigned twice (first on line 3)"),
        ("unclosed shown name", "X = input()\nH = relu(X)\n@g = grad(H) \"δ\n", 3, 16, "expected '\"', found end of line"),
        ("empty shown name", "X = input()\nH = relu(X)\n@g = grad(H) \"\"\n", 3, 15, "empty shown name"),
        ("annotation without a name", "X = input()\n@ = grad(X)\n", 2, 2, "expected a quantity name after @"),
    ]

    @Test func annotationsNameQuantitiesAndRoundTrip() throws {
        let text = """
            X = input()
            W1 = param(d, h)
            b1 = param(1, h)
            A1 = matmul(X, W1)
            U1 = add(A1, b1)   # a comment
            H = relu(U1)
            W2 = param(h, k)
            U2 = matmul(H, W2)
            y = input()
            J = cross_entropy(U2, y)
            @delta = grad(U1) "δ1"   # shown as δ1
            @bias = from(U1, b1)
            @logits = value(U2) "z"

            """
        let g = try Graph(parsing: text)
        #expect(g.quantities.map(\.text) == ["@delta = grad(U1) \"δ1\"", "@bias = from(U1, b1)", "@logits = value(U2) \"z\""])
        #expect(try Graph(parsing: g.description) == g)
        #expect(g.quantity(named: "δ1")?.asciiName == "delta" && g.quantity(named: "delta")?.rawValue == "δ1")
        #expect(g.gradientAlias("U1") == "δ1" && g.gradientAlias("U2") == nil)
        // Annotations change no value: the graph without them is the same graph to train.
        #expect(g != g.unannotated && g.unannotated.quantities.isEmpty && g.unannotated.nodes == g.nodes)
        // Figure 6.11's book names are its file's annotations, nothing else: without them U2's
        // gradient is just ∇U2 J.
        let plain = try Engine<Double>(graph: Figure611.graph.unannotated, constants: ["λ": 0.1])
        let book = try Engine<Double>(graph: Figure611.graph, constants: ["λ": 0.1])
        #expect(book.gradientName("U2") == "G" && book.gradientName("U1") == "G'" && book.gradientName("W1") == "∇W1 J")
        #expect(plain.gradientName("U2") == "∇U2 J")
    }

    @Test(arguments: 0..<malformed.count)
    func malformedTextGivesLineAndColumn(_ i: Int) {
        let (what, text, line, col, message) = Self.malformed[i]
        do {
            _ = try Graph(parsing: text)
            Issue.record("\(what): parsed")
        } catch {
            #expect(error.line == line && error.column == col, "\(what): \(error)")
            #expect(error.description.hasPrefix("\(line):\(col): "), "\(what): \(error)")
            #expect(error.description.contains(message), "\(what): \(error)")
        }
    }

    /// A graph of tens of thousands of nodes, listed in reverse (each line uses the next), parses
    /// without recursion and evaluates in order; its structural checks run without recursion too.
    @Test func aDeepGraphParsesWithoutRecursion() throws {
        let depth = 50_000
        var lines = ["J = sum(t\(depth))"]
        for i in stride(from: depth, through: 1, by: -1) { lines.append("t\(i) = relu(t\(i - 1))") }
        lines.append("t0 = param(1, 1)")
        let g = try Graph(parsing: lines.reversed().joined(separator: "\n"))
        #expect(g.nodes.count == depth + 2 && g.order.count == depth + 2)
        #expect(g.order.first == 0 && g.order.last == g.nodes.count - 1)
        #expect(g.trainingProblem == nil)
        let looped = try? Graph(parsing: (lines.dropLast() + ["t0 = relu(t\(depth))"]).joined(separator: "\n"))
        #expect(looped == nil, "a cycle through all of them is found")
    }
}
