

/// One op of the graph language: forward, backward and the formula, side by side.
///
/// A backward rule returns one gradient per input (nil where the input needs none);
/// it never accumulates: the engine adds contributions from every use of a node (fan-in).
public protocol OpRule: Sendable {
    /// The name in graph text, e.g. `matmul`.
    static var name: String { get }
    /// Node inputs, then named constants (e.g. `scale(u7, λ)` has one of each).
    static var arity: (inputs: Int, constants: Int) { get }
    /// One line for help screens.
    static var summary: String { get }
    /// The output shape, or nil when the input shapes do not fit; `shapeRule` says what fits.
    static func shape(_ inputs: [Shape]) -> Shape?
    /// The output shape given the constants' values too (an op whose shape depends on one, such as
    /// `one_hot`'s k, overrides it); by default `shape(inputs)`.
    static func shape(_ inputs: [Shape], constants: [Double]) -> Shape?
    static var shapeRule: String { get }
    /// A check of input values beyond shapes (e.g. class labels); nil when fine.
    static func validate<T: Real>(_ inputs: [Matrix<T>]) -> String?
    static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T]) -> Matrix<T>
    /// The same on an executor's kernels (its threads and buffers); by default `forward(x, c)`.
    static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T], kernels: Kernels<T>) -> Matrix<T>
    /// `g` is ∂J/∂output; `y` the forward output; `needs[i]` says whether input i wants a gradient.
    static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                  needs: [Bool]) -> [Matrix<T>?]
    /// The same on an executor's kernels; by default `backward(g, x, y, c, needs:)`.
    static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                  needs: [Bool], kernels: Kernels<T>) -> [Matrix<T>?]
    /// The backward rule in the book's notation, one line per input (e.g. `∇W2 J += Hᵀ G`).
    static func formula(_ n: FormulaNames) -> [String]
    /// The backward rule as a program, per input the expression added to its gradient (nil: none),
    /// over the graph's names and `grad_NAME`: `matmul(transpose(H), grad_U2)` for W2 of U2.
    static func program(_ n: ProgramNames) -> [String?]
    /// Entry (i, j) of the output written out with its numbers (what `:explain NODE[i,j]` shows).
    static func explain(_ x: [Matrix<Double>], _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion
    /// Entry (i, j) of the gradient the rule sends to input `k`, from `g` = ∂J/∂output and the output `y`.
    static func explainBackward(input k: Int, _ g: Matrix<Double>, _ x: [Matrix<Double>], _ y: Matrix<Double>,
                                _ c: [Double], _ n: ProgramNames, at i: Int, _ j: Int) -> Expansion
    /// Multiply-adds of the forward pass and of the backward rule (only the gradients needed).
    static func multiplyAdds(_ inputs: [Shape], needs: [Bool]) -> (forward: Int, backward: Int)
    /// Tensors the backward rule reads, kept between forward and backward.
    static var saves: [SavedTensor] { get }
    /// Whether the output's rows are the minibatch's rows, given which inputs' rows are (a trace
    /// puts such tensors, and their gradients, back in the epoch's order).
    static func keepsBatchRows(_ inputs: [Bool]) -> Bool
}

extension OpRule {
    public static func validate<T: Real>(_ inputs: [Matrix<T>]) -> String? { nil }
    public static func shape(_ inputs: [Shape], constants: [Double]) -> Shape? { shape(inputs) }
    public static func forward<T: Real>(_ x: [Matrix<T>], _ c: [T], kernels: Kernels<T>) -> Matrix<T> { forward(x, c) }
    public static func backward<T: Real>(_ g: Matrix<T>, _ x: [Matrix<T>], _ y: Matrix<T>, _ c: [T],
                                         needs: [Bool], kernels: Kernels<T>) -> [Matrix<T>?] {
        backward(g, x, y, c, needs: needs)
    }
}
