import BackpropCore

/// What a training run is: the model's size, the minibatch, SGD's rates, the generator and the
/// threads. The same value drives `--batch` and the TUI.
public struct LoopSettings: Equatable, Sendable {
    public var hidden: Int
    public var batchSize: Int
    public var lr: Double
    public var lambda: Double
    public var seed: UInt64
    public var rng: RandomKind
    /// Reshuffle each epoch (off: the data's own order every epoch).
    public var shuffle: Bool
    public var initScheme: Initializer
    /// Threads for the products; not part of a run's identity (every count gives the same bits).
    public var threads: Int

    public init(hidden: Int, batchSize: Int, lr: Double, lambda: Double, seed: UInt64, rng: RandomKind,
                shuffle: Bool = true, initScheme: Initializer = .he, threads: Int = 1) {
        self.hidden = hidden; self.batchSize = batchSize; self.lr = lr; self.lambda = lambda; self.seed = seed
        self.rng = rng; self.shuffle = shuffle; self.initScheme = initScheme; self.threads = threads
    }

    /// Hyperparameters that must agree between a checkpoint and the run that resumes it.
    public func identity(precision: String) -> [(String, String)] {
        [("hidden", "\(hidden)"), ("batch_size", "\(batchSize)"), ("lr", "\(lr)"), ("lambda", "\(lambda)"),
         ("seed", "\(seed)"), ("rng", rng.rawValue), ("precision", precision), ("shuffle", "\(shuffle)")]
    }
}
