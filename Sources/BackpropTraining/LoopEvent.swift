import BackpropCore

/// What one unit of the loop's work did (`TrainingLoop.advance`).
public enum LoopEvent: Equatable, Sendable {
    /// An SGD update on a minibatch of `m` examples: J and J_MLE before it, numbered as logs number them.
    case updated(Update)
    /// A chunk of an accuracy measurement; more are to come.
    case measuring
    /// A measurement ended: at an epoch's end with that epoch's record, or on request (`record` nil).
    case measured(Accuracy, record: EpochRecord?)
    /// J or a gradient was not finite at `update`: nothing was counted, the weights are not usable.
    /// `origin`: where the NaN or Inf was made, when the weights before the update are at hand.
    case diverged(update: Int, epoch: Int, tensor: String, origin: FaultOrigin?)
    /// A breakpoint held after `update`'s backward pass: the update was not made.
    case breakpoint(Breakpoint)
    /// The graph could not be evaluated (a message naming the node).
    case failed(String)

    /// One update's numbers.
    public struct Update: Equatable, Sendable {
        public var step: Int
        /// 1-based, the epoch the update belongs to.
        public var epoch: Int
        public var J: Double
        public var JMLE: Double
        public var m: Int
        /// The probes' readings (`TrainingLoop.probes`), before the update.
        public var readings: [TensorPredicate.Reading] = []
    }

    /// A breakpoint that held: which probe, at which update (numbered as logs number them), what it
    /// read, and for a non-finite tensor where it was made.
    public struct Breakpoint: Equatable, Sendable {
        public var probe: Int
        public var predicate: String
        public var update: Int
        public var epoch: Int
        public var value: Double?
        public var origin: FaultOrigin?
        public var readings: [TensorPredicate.Reading]

        /// The one line both faces print: `breakpoint: PRED at update N (epoch E): VALUE`.
        public var line: String {
            let v: String
            if let o = origin { v = "not finite, " + o.summary }
            else if let x = value { v = "\(x)" } else { v = "holds" }
            return "breakpoint: \(predicate) at update \(update) (epoch \(epoch)): \(v)"
        }
    }

    /// Accuracy of the weights after `step` updates on the training and the test data.
    public struct Accuracy: Equatable, Sendable {
        public var step: Int
        public var train: Double?
        public var test: Double?
    }

    /// The end of an epoch: its mean J and J_MLE over its minibatches.
    public struct EpochRecord: Equatable, Sendable {
        /// 1-based.
        public var epoch: Int
        public var step: Int
        public var J: Double
        public var JMLE: Double
        public var batches: Int
    }
}
