import BackpropCore
import BackpropIO

/// Figure 6.11's weights files as the tests write and read them: tensors W1 [d, n_h] and W2 [n_h, k]
/// (shared by the I/O and the CLI tests).
extension WeightsFile {
    public init(W1: Matrix<T>, W2: Matrix<T>, metadata: [(String, String)]) {
        self.init(tensors: [("W1", W1), ("W2", W2)], metadata: metadata)
    }
    public var W1: Matrix<T> { tensors.first { $0.name == "W1" }!.value }
    public var W2: Matrix<T> { tensors.first { $0.name == "W2" }!.value }
    public static func load(_ path: String, d: Int, hidden: Int, classes: Int) throws(IOError) -> WeightsFile {
        try load(path, expected: Checkpoint.expected(Figure611.graph, d: d, classes: classes, hidden: hidden))
    }
}
