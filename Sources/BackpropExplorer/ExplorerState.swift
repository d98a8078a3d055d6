import BackpropCore
import BackpropData

/// Everything the explorer shows, as a value: the model, the minibatch being stepped through,
/// the step cursor (a `Stepper`, so stepping back restores a kept state) and the view settings.
public struct ExplorerState: Sendable {
    public var config: ExplorerConfig
    /// Figure 6.11, or the graph of `config.graph`.
    public let graph: Graph
    public let train: Dataset
    public let test: Dataset?

    // Model and training progress.
    public var W1: Matrix<Double>
    public var W2: Matrix<Double>
    /// Shuffles the data each epoch; its state is part of the model's state (replays agree).
    public var rng: SeededGenerator
    public var order: [Int]
    /// Position of the next minibatch in `order`.
    public var cursor: Int
    public var epoch: Int
    public var updates: Int
    /// Example indices of the minibatch being stepped through.
    public var batch: [Int]
    /// The step-through of `batch` with the current weights.
    public var stepper: Stepper<Double>
    /// J of each update's minibatch (the loss curve).
    public var losses: [Double]
    public var trainAccuracy: Double?
    public var testAccuracy: Double?
    /// The update count the accuracies were measured at (nil: not yet measured).
    public var accuracyAt: Int?

    // View.
    /// A pinned selection (`inspect NAME`); nil follows the current step.
    public var pinned: String?
    public var tab: Int
    public var scrollRow: Int
    public var scrollCol: Int
    /// The W1 column drawn as a picture (image data).
    public var pictureColumn: Int
    public var showHelp: Bool
    public var check: CheckReport?
    public var status: Status
    public var lastMark: String?
    public var quit: Bool
    /// The `:` command line while it is open, and the commands entered before (↑/↓).
    public var prompt: Prompt?
    public var history: [String]

    /// A message for the status line.
    public struct Status: Equatable, Sendable {
        public var text: String
        public var isError: Bool
        public init(_ text: String, isError: Bool = false) { self.text = text; self.isError = isError }
    }

    public var engine: Engine<Double> { stepper.engine }
    public var engineState: EngineState<Double> { stepper.state }
    public var position: Int { stepper.position }
    public var stepCount: Int { engine.stepCount }
    /// Minibatches per epoch (the last partial one is dropped, as in --batch).
    public var batchesPerEpoch: Int { max(1, train.count / config.batchSize) }
    public var features: Int { train.d }
    public var classes: Int { train.classes }
}
