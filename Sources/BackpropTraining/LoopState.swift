import BackpropCore

/// Where a training run is, as a value: the weights, the counters, the order stream, the epoch's
/// order and sums, and an accuracy measurement under way. Restoring a copy restores the run.
public struct LoopState<T: Real>: Sendable {
    /// The graph's parameters in graph order (W1, W2 for Figure 6.11), each row-major.
    public internal(set) var params: [[T]]
    /// Updates made.
    public internal(set) var step: Int
    /// Epochs completed (the current one is `epoch + 1` counted from 1).
    public internal(set) var epoch: Int
    /// Examples of this epoch's order already trained on.
    public internal(set) var position: Int
    /// The order stream as it was before this epoch's order was drawn (what a checkpoint keeps).
    public internal(set) var epochStream: OrderStream
    /// The order stream after it.
    var stream: OrderStream
    /// This epoch's order of the examples.
    public internal(set) var order: [Int]
    public internal(set) var sums: EpochSums
    /// A measurement under way: for an epoch's record (or on request), how far it got.
    var measurement: Measurement?
    /// The last accuracy measured.
    public internal(set) var accuracy: LoopEvent.Accuracy?

    /// A run at `step` with this epoch's stream; the order is drawn from it.
    public init(params: [[T]], step: Int = 0, epoch: Int = 0, position: Int = 0, epochStream: OrderStream,
                sums: EpochSums = EpochSums(), examples: Int, shuffle: Bool) {
        self.params = params; self.step = step; self.epoch = epoch; self.position = position
        self.epochStream = epochStream; self.sums = sums
        stream = epochStream
        order = stream.order(examples, shuffle: shuffle)
        measurement = nil; accuracy = nil
    }

    /// Whether an accuracy measurement is under way (it finishes before the next update).
    public var isMeasuring: Bool { measurement != nil }

    struct Measurement: Sendable {
        var record: LoopEvent.EpochRecord?
        /// Examples done so far, of the training data then the test data.
        var done = 0
        var hits = 0, testHits = 0
        var hasLogits = true
    }
}
