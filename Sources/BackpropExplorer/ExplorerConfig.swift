/// The model and training settings an exploration runs with (what a session header records).
public struct ExplorerConfig: Equatable, Sendable {
    /// `--data` as given (spiral, fashion-mnist, or a path) and the digest of its decompressed bytes.
    public var data: String
    public var dataDigest: String
    public var hidden: Int
    public var batchSize: Int
    public var lr: Double
    public var lambda: Double
    public var seed: UInt64

    public init(data: String, dataDigest: String, hidden: Int, batchSize: Int, lr: Double, lambda: Double, seed: UInt64) {
        self.data = data; self.dataDigest = dataDigest; self.hidden = hidden; self.batchSize = batchSize
        self.lr = lr; self.lambda = lambda; self.seed = seed
    }

    /// The TUI's defaults: a model small enough that every matrix of a step is readable.
    public static let defaultHidden = 8
    public static let defaultBatch = 8
    public static let defaultLR = 1.0
    public static let defaultLambda = 1e-3
}
