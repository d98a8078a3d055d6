/// The names a rule's program is written with: the node, `grad_NODE` for its gradient, its inputs
/// and constants (graph names, plain text: what `--print-graph` prints and a user can type).
public struct ProgramNames: Sendable {
    public var output: String
    public var outputGrad: String
    public var inputs: [String]
    public var constants: [String]
    public init(output: String, inputs: [String], constants: [String]) {
        self.output = output; outputGrad = "grad_" + output; self.inputs = inputs; self.constants = constants
    }
}
