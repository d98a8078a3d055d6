/// Reverse-mode automatic differentiation over a graph, one node at a time.
///
/// The engine is a step function on `EngineState`: forward nodes in evaluation order, then
/// backward steps in reverse topological order. Rules return one gradient per input; the engine
/// accumulates fan-in, so each contribution (such as `Hᵀ G` and `2λW2`) stays visible.
public struct Engine<T: Real>: Sendable {
    public let graph: Graph
    public let rules: RuleTable
    /// Constant values by name (e.g. λ).
    public let constants: [String: T]
    /// Non-leaf nodes in evaluation order.
    public let forwardNodes: [Int]
    /// Nodes whose backward rule runs, in reverse topological order (those between a param and the loss).
    public let backwardNodes: [Int]
    /// Whether ∂J/∂node is wanted: params and everything computed from them.
    public let needsGrad: [Bool]
    /// Whether a node's rows (and its gradient's) are the minibatch's rows: the inputs' are, and
    /// each op says whether its output keeps them (`OpRule.keepsBatchRows`).
    public let batchRows: [Bool]

    public init(graph: Graph, rules: RuleTable = .standard, constants: [String: T]) throws(EvalError) {
        for c in graph.constantNames where constants[c] == nil { throw .missingConstant(name: c) }
        self.graph = graph; self.rules = rules; self.constants = constants
        var needs = [Bool](repeating: false, count: graph.nodes.count)
        var reachesLoss = [Bool](repeating: false, count: graph.nodes.count)
        for v in graph.order {
            let n = graph.nodes[v]
            needs[v] = n.leaf == .param || graph.inputIndices[v].contains { needs[$0] }
        }
        reachesLoss[graph.loss] = true
        for v in graph.order.reversed() where reachesLoss[v] {
            for i in graph.inputIndices[v] { reachesLoss[i] = true }
        }
        let wanted = zip(needs, reachesLoss).map { $0 && $1 }
        var rows = [Bool](repeating: false, count: graph.nodes.count)
        for v in graph.order {
            let n = graph.nodes[v]
            if let leaf = n.leaf { rows[v] = leaf == .input; continue }
            guard let rule = rules[n.op] else { throw .unknownOp(node: n.name, op: n.op) }
            rows[v] = rule.keepsBatchRows(graph.inputIndices[v].map { rows[$0] })
        }
        batchRows = rows
        needsGrad = wanted
        forwardNodes = graph.order.filter { graph.nodes[$0].leaf == nil }
        backwardNodes = graph.order.reversed().filter { graph.nodes[$0].leaf == nil && wanted[$0] }
    }

    /// Total steps: forward nodes, then backward steps.
    public var stepCount: Int { forwardNodes.count + backwardNodes.count }

    /// The state before any step: leaves bound to the given values.
    public func start(_ bindings: [String: Matrix<T>]) throws(EvalError) -> EngineState<T> {
        var values = [Matrix<T>?](repeating: nil, count: graph.nodes.count)
        for (i, n) in graph.nodes.enumerated() {
            guard let leaf = n.leaf else { continue }
            guard let v = bindings[n.name] else { throw .missingBinding(name: n.name, kind: leaf.rawValue) }
            values[i] = v
        }
        return EngineState(position: 0, values: values, grads: .init(repeating: nil, count: graph.nodes.count),
                           steps: [])
    }

    func rule(_ v: Int) -> any OpRule.Type { rules[graph.nodes[v].op]! }
    func constantValues(_ v: Int) -> [T] { graph.nodes[v].constants.map { constants[$0]! } }
    func inputIDs(_ v: Int) -> [Int] { graph.inputIndices[v] }

    /// Evaluates node v from its inputs, checking shapes and values first.
    func evaluate(_ v: Int, _ values: [Matrix<T>?], kernels: Kernels<T>) throws(EvalError) -> Matrix<T> {
        let node = graph.nodes[v], r = rule(v)
        let xs = inputIDs(v).map { values[$0]! }
        // Closures, not key paths: a key path is instantiated at run time on every call.
        guard r.shape(xs.map { $0.shape }, constants: constantValues(v).map { Double($0) }) != nil else {
            throw .shapeMismatch(node: node.name, text: node.text, shapes: xs.map { $0.shape },
                                 rule: "\(r.name): \(r.shapeRule)")
        }
        if let problem = r.validate(xs) { throw .invalidValue(node: node.name, text: node.text, message: problem) }
        let y = r.forward(xs, constantValues(v), kernels: kernels)
        if v == graph.loss && !y.shape.isScalar { throw .lossNotScalar(node: node.name, shape: y.shape) }
        return y
    }

    /// Runs backward rule of node v with incoming gradient g: one (input, gradient) per input needing one.
    func contributions(_ v: Int, _ g: Matrix<T>, _ values: [Matrix<T>?],
                       kernels: Kernels<T>) -> [(Int, Matrix<T>)] {
        let ids = inputIDs(v)
        let needs = ids.map { needsGrad[$0] }
        let gs = rule(v).backward(g, ids.map { values[$0]! }, values[v]!, constantValues(v), needs: needs,
                                  kernels: kernels)
        return zip(ids, gs).compactMap { id, grad in grad.map { (id, $0) } }
    }

    /// Fan-in: the engine, not the rule, adds a contribution to what a node has received so far.
    @inline(__always)
    static func accumulate(_ grads: inout [Matrix<T>?], _ id: Int, _ c: Matrix<T>) {
        // In place: the same sum as `old + c`, into storage the node owns (a copy only when a step record shares it).
        if grads[id] != nil { grads[id]!.formZip(c, +) } else { grads[id] = c }
    }

    /// The gradient that seeds back-propagation: ∂J/∂J = 1.
    var seed: Matrix<T> { Matrix(scalar: 1) }

    /// Takes one step; does nothing at the end. `kernels`: where products run (by default a new
    /// runner on the caller's thread).
    public func advance(_ s: inout EngineState<T>, kernels: Kernels<T>? = nil) throws(EvalError) {
        let kernels = kernels ?? Kernels()
        let f = forwardNodes.count
        if s.position < f {
            let v = forwardNodes[s.position]
            s.values[v] = try evaluate(v, s.values, kernels: kernels)
        } else if s.position < stepCount {
            let v = backwardNodes[s.position - f]
            if v == graph.loss && s.grads[v] == nil { s.grads[v] = seed }
            let g = s.grads[v]!
            let names = formulaNames(v)
            let lines = rule(v).formula(names)
            let ids = inputIDs(v)
            var record = BackwardStep(node: v, incoming: g, rule: graph.nodes[v].text, contributions: [])
            for (id, c) in contributions(v, g, s.values, kernels: kernels) {
                let slot = ids.firstIndex(of: id)!
                record.contributions.append(Contribution(input: id, formula: lines[slot], value: c))
                Self.accumulate(&s.grads, id, c)
            }
            s.steps.append(record)
        } else { return }
        s.position += 1
    }

    /// Runs steps until `position` is reached (or the end).
    public func run(_ s: inout EngineState<T>, to position: Int? = nil, kernels: Kernels<T>? = nil) throws(EvalError) {
        let target = min(position ?? stepCount, stepCount)
        let kernels = kernels ?? Kernels()
        while s.position < target { try advance(&s, kernels: kernels) }
    }

    /// One-shot back-propagation from complete forward values: the gradients only, no step records.
    /// The rules of nodes in `deferring` are not run: their own gradients are complete, and what
    /// they would pass on is the caller's to add (see `deferrableDecay(of:)`).
    public func backward(values: [Matrix<T>?], kernels: Kernels<T>? = nil, deferring: Set<Int> = []) -> [Matrix<T>?] {
        let kernels = kernels ?? Kernels()
        var grads = [Matrix<T>?](repeating: nil, count: graph.nodes.count)
        grads[graph.loss] = seed
        for v in backwardNodes where !deferring.contains(v) {
            for (id, c) in contributions(v, grads[v]!, values, kernels: kernels) { Self.accumulate(&grads, id, c) }
        }
        return grads
    }

    /// The names node v's formula is written with (the book's G and G' where they apply).
    public func formulaNames(_ v: Int) -> FormulaNames {
        let n = graph.nodes[v]
        return FormulaNames(output: n.name, outputGrad: gradientName(n.name), inputs: n.inputs, constants: n.constants)
    }

    /// The name a `grad` annotation gives it (`G` for U2 in the book's example), else `∇name J`.
    public func gradientName(_ name: String) -> String { graph.gradientAlias(name) ?? "∇\(name) J" }

    /// What step `position` does (0-based), as text: a graph line or a backward rule.
    public func describe(step position: Int) -> String {
        let f = forwardNodes.count
        if position < f { return "forward: " + graph.nodes[forwardNodes[position]].text }
        guard position < stepCount else { return "done" }
        let v = backwardNodes[position - f]
        return "backward: " + rule(v).formula(formulaNames(v)).enumerated()
            .filter { needsGrad[inputIDs(v)[$0.offset]] }.map(\.element).joined(separator: "; ")
    }

    /// The node step `position` works on.
    public func node(atStep position: Int) -> Int? {
        let f = forwardNodes.count
        if position < f { return forwardNodes[position] }
        return position < stepCount ? backwardNodes[position - f] : nil
    }
}
