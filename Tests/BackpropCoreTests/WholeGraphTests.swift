import Testing
@testable import BackpropCore

struct WholeGraphTests {
    /// Shapes for the 100 seeded problems; the first ones are the edge cases the acceptance names.
    static func shape(_ i: Int) -> (m: Int, d: Int, nh: Int, k: Int) {
        switch i {
        case 0: return (1, 3, 4, 3)      // m = 1
        case 1: return (4, 3, 1, 3)      // n_h = 1
        case 2: return (5, 2, 3, 2)      // k = 2
        case 3: return (1, 1, 1, 2)      // all at once
        default:
            var r = SeededGenerator(seed: UInt64(i) &* 31)
            return (1 + r.nextIndex(below: 6), 1 + r.nextIndex(below: 5), 1 + r.nextIndex(below: 6), 2 + r.nextIndex(below: 4))
        }
    }

    @Test(arguments: 0..<100)
    func figure611GradientsMatchFiniteDifferences(_ i: Int) {
        let s = Self.shape(i)
        let p = Problem(seed: UInt64(1000 + i), m: s.m, d: s.d, nh: s.nh, k: s.k, lambda: [0, 1e-3, 0.05][i % 3])
        #expect(wholeGraphCheckPasses(p), "problem \(i) shape \(s)")
    }

    // MARK: the check can catch bugs

    enum LambdaWSqr: OpRule {   // λW instead of 2λW: sqr's backward forgets the 2
        static let name = "sqr"; static let arity = SqrOp.arity; static let summary = ""; static let shapeRule = SqrOp.shapeRule
        static func shape(_ s: [Shape]) -> Shape? { SqrOp.shape(s) }
        static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { SqrOp.forward(x, c) }
        static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] { [x[0].zip(g, *)] }
        static func formula(_ n: FormulaNames) -> [String] { SqrOp.formula(n) }
        static func program(_ n: ProgramNames) -> [String?] { SqrOp.program(n) }
        static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion { SqrOp.explain(x, c, n, at: i, j) }
        static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>, _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
            SqrOp.explainBackward(input: k, g, x, y, c, n, at: i, j)
        }
        static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
        static let saves = SqrOp.saves
        static func keepsBatchRows(_ inputs: [Bool]) -> Bool { SqrOp.keepsBatchRows(inputs) }
    }
    enum MasklessRelu: OpRule {  // the relu mask dropped
        static let name = "relu"; static let arity = ReluOp.arity; static let summary = ""; static let shapeRule = ReluOp.shapeRule
        static func shape(_ s: [Shape]) -> Shape? { ReluOp.shape(s) }
        static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { ReluOp.forward(x, c) }
        static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] { [g] }
        static func formula(_ n: FormulaNames) -> [String] { ReluOp.formula(n) }
        static func program(_ n: ProgramNames) -> [String?] { ReluOp.program(n) }
        static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion { ReluOp.explain(x, c, n, at: i, j) }
        static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>, _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
            ReluOp.explainBackward(input: k, g, x, y, c, n, at: i, j)
        }
        static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
        static let saves = ReluOp.saves
        static func keepsBatchRows(_ inputs: [Bool]) -> Bool { ReluOp.keepsBatchRows(inputs) }
    }
    enum NoMeanCrossEntropy: OpRule {  // the 1/m missing
        static let name = "cross_entropy"; static let arity = CrossEntropyOp.arity; static let summary = ""; static let shapeRule = CrossEntropyOp.shapeRule
        static func shape(_ s: [Shape]) -> Shape? { CrossEntropyOp.shape(s) }
        static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { CrossEntropyOp.forward(x, c) }
        static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
            var out = x[0]
            out.storage.withUnsafeMutableBufferPointer { u in
                x[1].storage.withUnsafeBufferPointer { l in
                    _ = CrossEntropyOp.softmaxRows(u.baseAddress!, labels: l.baseAddress!, rows: x[0].rows, cols: x[0].cols)
                    CrossEntropyOp.gradientFromSoftmax(u.baseAddress!, labels: l.baseAddress!, rows: x[0].rows, cols: x[0].cols, scale: g.scalar)
                }
            }
            return [out, nil]
        }
        static func formula(_ n: FormulaNames) -> [String] { CrossEntropyOp.formula(n) }
        static func program(_ n: ProgramNames) -> [String?] { CrossEntropyOp.program(n) }
        static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion { CrossEntropyOp.explain(x, c, n, at: i, j) }
        static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>, _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
            CrossEntropyOp.explainBackward(input: k, g, x, y, c, n, at: i, j)
        }
        static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
        static let saves = CrossEntropyOp.saves
        static func keepsBatchRows(_ inputs: [Bool]) -> Bool { CrossEntropyOp.keepsBatchRows(inputs) }
    }
    enum SwappedTransposeMatMul: OpRule {  // G B instead of G Bᵀ, and A G instead of Aᵀ G
        static let name = "matmul"; static let arity = MatMulOp.arity; static let summary = ""; static let shapeRule = MatMulOp.shapeRule
        static func shape(_ s: [Shape]) -> Shape? { MatMulOp.shape(s) }
        static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T> { MatMulOp.forward(x, c) }
        static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T], needs: [Bool]) -> [Matrix<T>?] {
            [needs[0] ? g.matmul(x[1], transposeOther: false) : nil, needs[1] ? x[0].matmul(g, transposeSelf: false) : nil]
        }
        static func formula(_ n: FormulaNames) -> [String] { MatMulOp.formula(n) }
        static func program(_ n: ProgramNames) -> [String?] { MatMulOp.program(n) }
        static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion { MatMulOp.explain(x, c, n, at: i, j) }
        static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>, _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion {
            MatMulOp.explainBackward(input: k, g, x, y, c, n, at: i, j)
        }
        static func multiplyAdds(_ s: [Shape], needs: [Bool]) -> (forward: Int, backward: Int) { (0, 0) }
        static let saves = MatMulOp.saves
        static func keepsBatchRows(_ inputs: [Bool]) -> Bool { MatMulOp.keepsBatchRows(inputs) }
    }

    @Test(arguments: ["λW", "no relu mask", "no 1/m", "swapped transposes"])
    func plantedBugIsCaught(_ bug: String) {
        var table = RuleTable.standard
        switch bug {
        case "λW": table.rules["sqr"] = LambdaWSqr.self
        case "no relu mask": table.rules["relu"] = MasklessRelu.self
        case "no 1/m": table.rules["cross_entropy"] = NoMeanCrossEntropy.self
        default: table.rules["matmul"] = SwappedTransposeMatMul.self
        }
        // Square shapes so that the swapped-transpose products still have valid shapes.
        var failures = 0
        for i in 0..<10 {
            let p = Problem(seed: UInt64(500 + i), m: 4, d: 4, nh: 4, k: 4, lambda: 0.05)
            if !wholeGraphCheckPasses(p, rules: table) { failures += 1 }
            #expect(wholeGraphCheckPasses(p), "the correct rules pass problem \(i)")
        }
        #expect(failures == 10, "\(bug): the check failed on \(failures) of 10 problems")
    }
}
