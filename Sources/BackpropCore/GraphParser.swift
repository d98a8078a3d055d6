extension Graph {
    /// Parses graph text: one `name = op(args)` per line; blank lines and `#` comments are skipped.
    ///
    /// Names may be used before the line that assigns them; cycles are rejected.
    public init(parsing text: String, rules: RuleTable = .standard) throws(GraphParseError) {
        var nodes: [Node] = []
        var lineOf: [String: Int] = [:]
        var useSites: [[(name: String, col: Int)]] = []
        var constantColumns: [[Int]] = []
        var lineNumbers: [Int] = []
        var annotations: [AnnotationLine] = []
        for (li, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var s = LineScanner(line: Array(raw), number: li + 1)
            s.skipSpace()
            if s.atEnd || s.peek == "#" { continue }
            if s.peek == "@" { annotations.append(try AnnotationLine(&s)); continue }
            let nameCol = s.column
            let name = try s.identifier("a node name")
            s.skipSpace(); try s.expect("=")
            s.skipSpace()
            let opCol = s.column
            let op = try s.identifier("an op name")
            s.skipSpace(); try s.expect("(")
            var args: [(String, Int)] = []
            s.skipSpace()
            if s.peek != ")" {
                while true {
                    s.skipSpace()
                    let c = s.column
                    args.append((try s.identifier("an argument name", digits: op == LeafKind.param.rawValue), c))
                    s.skipSpace()
                    if s.peek == "," { s.advance(); continue }
                    break
                }
            }
            try s.expect(")")
            s.skipSpace()
            if !s.atEnd && s.peek != "#" { throw s.error(expected: "end of line") }

            let node: Node
            var uses: [(name: String, col: Int)] = []
            var consts: [Int] = []
            if let leaf = LeafKind(rawValue: op) {
                if leaf == .param {
                    // param(ROWS, COLS), or param() for W1 (d×h) and W2 (h×k) as in Figure 6.11.
                    guard args.count == 2 || (args.isEmpty && ParamSize.defaults[name] != nil) else {
                        let example = "2 sizes, e.g. \(inert(name, limit: 40)) = param(1, h)"
                        throw GraphParseError(line: li + 1, column: opCol,
                                              kind: .arity(op: op, expected: example, got: args.count))
                    }
                    for (a, c) in args where ParamSize(a) == nil {
                        throw GraphParseError(line: li + 1, column: c, kind: .badSize(a))
                    }
                } else if !args.isEmpty {
                    throw GraphParseError(line: li + 1, column: opCol,
                                          kind: .arity(op: op, expected: "no arguments", got: args.count))
                }
                node = Node(name, leaf.rawValue, sizes: args.map(\.0))
            } else if let rule = rules[op] {
                let (ni, nc) = rule.arity
                guard args.count == ni + nc else {
                    let expected = nc == 0 ? "\(ni) input\(ni == 1 ? "" : "s")" : "\(ni) input\(ni == 1 ? "" : "s") "
                            + "and \(nc) constant\(nc == 1 ? "" : "s")"
                    throw GraphParseError(line: li + 1, column: opCol,
                                          kind: .arity(op: op, expected: expected, got: args.count))
                }
                uses = args.prefix(ni).map { (name: $0.0, col: $0.1) }
                node = Node(name, op, args.prefix(ni).map(\.0), constants: args.suffix(nc).map(\.0))
                consts = args.suffix(nc).map(\.1)
            } else {
                throw GraphParseError(line: li + 1, column: opCol, kind: .unknownOp(op, known: rules.names))
            }
            if let first = lineOf[name] {
                throw GraphParseError(line: li + 1, column: nameCol, kind: .reassigned(name, firstLine: first))
            }
            lineOf[name] = li + 1
            nodes.append(node)
            useSites.append(uses)
            constantColumns.append(consts)
            lineNumbers.append(li + 1)
        }
        guard !nodes.isEmpty else { throw GraphParseError(line: 1, column: 1, kind: .empty) }
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.name, $0) })
        for (i, node) in nodes.enumerated() {
            for use in useSites[i] where index[use.name] == nil {
                throw GraphParseError(line: lineNumbers[i], column: use.col, kind: .undefined(use.name))
            }
            for (c, col) in zip(node.constants, constantColumns[i]) where index[c] != nil {
                throw GraphParseError(line: lineNumbers[i], column: col, kind: .constantIsNode(c))
            }
        }
        let quantities = try annotations.map { a throws(GraphParseError) in try a.quantity(nodes, index) }
        var seen: [String: Int] = [:]
        for (q, a) in zip(quantities, annotations) {
            if let first = lineOf[q.asciiName] ?? seen[q.asciiName] ?? seen[q.rawValue] {
                throw GraphParseError(line: a.line, column: 2, kind: .reassigned(q.asciiName, firstLine: first))
            }
            seen[q.asciiName] = a.line; seen[q.rawValue] = a.line
        }
        // Depth-first search in listing order, with an explicit stack (a graph of tens of thousands of
        // nodes must not overflow the call stack): post-order is the evaluation order; a grey node
        // seen again is a cycle.
        var colour = [UInt8](repeating: 0, count: nodes.count)   // 0 white, 1 grey, 2 black
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        for root in nodes.indices where colour[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            colour[root] = 1
            while let top = stack.last {
                let v = top.node, inputs = nodes[v].inputs
                guard top.next < inputs.count else {
                    colour[v] = 2; order.append(v); stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let k = top.next, name = inputs[k]
                guard let u = index[name] else { continue }   // every name was checked above
                if colour[u] == 1 {
                    let from = stack.lastIndex { $0.node == u } ?? 0
                    let path = stack[from...].map { nodes[$0.node].name } + [name]
                    throw GraphParseError(line: lineNumbers[v], column: useSites[v][k].col, kind: .cycle(path))
                }
                if colour[u] == 0 { colour[u] = 1; stack.append((u, 0)) }
            }
        }
        self.init(checked: nodes, order: order, quantities: quantities)
    }
}

/// One `@NAME = kind(args) "shown"` line, as parsed, before its names are checked against the nodes.
struct AnnotationLine {
    var line: Int, name: String, shown: String?
    var kind: String, kindColumn: Int
    var args: [(name: String, col: Int)]

    init(_ s: inout LineScanner) throws(GraphParseError) {
        line = s.number
        s.advance()   // @
        name = try s.identifier("a quantity name after @")
        s.skipSpace(); try s.expect("="); s.skipSpace()
        kindColumn = s.column
        kind = try s.identifier("grad, from or value")
        s.skipSpace(); try s.expect("(")
        args = []
        repeat {
            s.skipSpace()
            let c = s.column
            args.append((try s.identifier("a node name"), c))
            s.skipSpace()
        } while s.peek == "," && { s.advance(); return true }()
        try s.expect(")")
        s.skipSpace()
        if s.peek == "\"" {
            s.advance()
            var text = ""
            while let c = s.peek, c != "\"" { text.append(c); s.advance() }
            try s.expect("\"")
            guard !text.allSatisfy({ $0 == " " }) else {
                throw GraphParseError(line: line, column: s.column - 1, kind: .badAnnotation("empty shown name; "
                                      + "expected text between the quotes, e.g. \"Hᵀ G\""))
            }
            shown = text
            s.skipSpace()
        }
        if !s.atEnd && s.peek != "#" { throw s.error(expected: "end of line") }
    }

    /// The quantity it declares; an error at the argument or kind that does not fit the nodes.
    func quantity(_ nodes: [Node], _ index: [String: Int]) throws(GraphParseError) -> Quantity {
        let arity = ["grad": 1, "value": 1, "from": 2]
        guard let n = arity[kind] else {
            let why = "unknown annotation '\(inert(kind, limit: 40))'; expected grad(NODE), from(NODE, INPUT) or "
                + "value(NODE)"
            throw GraphParseError(line: line, column: kindColumn, kind: .badAnnotation(why))
        }
        guard args.count == n else {
            throw GraphParseError(line: line, column: kindColumn,
                                  kind: .arity(op: kind, expected: n == 1 ? "1 node" : "2 nodes", got: args.count))
        }
        for a in args where index[a.name] == nil {
            throw GraphParseError(line: line, column: a.col, kind: .undefined(a.name))
        }
        switch kind {
        case "grad": return Quantity(name, shown: shown, source: .grad(args[0].name))
        case "value": return Quantity(name, shown: shown, source: .value(args[0].name))
        default:
            let (step, input) = (args[0].name, args[1].name)
            guard nodes[index[step]!].inputs.contains(input) else {
                throw GraphParseError(line: line, column: args[1].col, kind: .badAnnotation(
                    "'\(inert(input, limit: 40))' is not an input of \(inert(step, limit: 40)); expected from(NODE, "
                    + "INPUT), what NODE's backward step sends to its input INPUT"))
            }
            return Quantity(name, shown: shown, source: .contribution(step: step, to: input))
        }
    }
}

/// Walks one line of graph text by Unicode characters, tracking the 1-based column.
struct LineScanner {
    let line: [Character]
    let number: Int
    var pos = 0
    init(line: [Character], number: Int) { self.line = line; self.number = number }

    var atEnd: Bool { pos >= line.count }
    var peek: Character? { atEnd ? nil : line[pos] }
    var column: Int { pos + 1 }
    mutating func advance() { pos += 1 }
    mutating func skipSpace() { while let c = peek, c == " " || c == "\t" || c == "\r" { pos += 1 } }

    static func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
    static func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "'" }

    func error(expected: String) -> GraphParseError {
        let found = peek.map { c in
            let shown = String(c).unicodeScalars.map { u in
                u.isASCII && u.value >= 32 ? String(u) : u.escaped(asASCII: true)
            }
            return "'" + shown.joined() + "'"
        } ?? "end of line"
        return GraphParseError(line: number, column: column, kind: .syntax(expected: expected, found: found))
    }
    /// A name; `digits`: a whole number too (a parameter's size).
    mutating func identifier(_ what: String, digits: Bool = false) throws(GraphParseError) -> String {
        guard let c = peek, Self.isNameStart(c) || (digits && c.isASCII && c.isNumber) else {
            throw error(expected: what)
        }
        let start = pos
        while let c = peek, Self.isNameChar(c) { pos += 1 }
        return String(line[start..<pos])
    }
    mutating func expect(_ c: Character) throws(GraphParseError) {
        guard peek == c else { throw error(expected: "'\(c)'") }
        pos += 1
    }
}
