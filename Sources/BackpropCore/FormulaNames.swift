/// The names a rule's formula is written with, e.g. output `U2`, its gradient `G`, inputs `H`, `W2`.
public struct FormulaNames: Sendable {
    public var output: String
    public var outputGrad: String
    public var inputs: [String]
    public var constants: [String]
    public init(output: String, outputGrad: String, inputs: [String], constants: [String]) {
        self.output = output; self.outputGrad = outputGrad; self.inputs = inputs; self.constants = constants
    }
    /// `∇W2 J`: the gradient of J with respect to input i.
    public func grad(_ i: Int) -> String { "∇\(inputs[i]) J" }
}
