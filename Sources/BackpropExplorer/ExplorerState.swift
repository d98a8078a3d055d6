import BackpropCore
import BackpropData
import BackpropTraining

/// Everything the explorer shows, as a value: the training loop (the one `--batch` drives), the
/// minibatch being stepped through, the step cursor (a `Stepper`, so stepping back restores a
/// kept state) and the view settings.
public struct ExplorerState: Sendable {
    public var config: ExplorerConfig
    /// Figure 6.11, or the graph of `config.graph`.
    public let graph: Graph
    public let train: Dataset
    public let test: Dataset?

    /// The training loop, in the run's precision: weights, epoch order, streams, accuracy.
    public var run: AnyTrainingLoop
    /// The loop's parameters in float64 by name, in graph order, for stepping and showing
    /// (refreshed when training ends).
    public var params: [(name: String, value: Matrix<Double>)]
    /// Example indices of the minibatch being stepped through: the loop's next.
    public var batch: [Int]
    /// The step-through of `batch` with the current weights.
    public var stepper: Stepper<Double>
    /// J of each update's minibatch (the loss curve).
    public var losses: [Double]
    /// A training under way (the live TUI runs it in slices between frames; replay at once).
    public var training: TrainingJob?

    // View.
    /// A pinned selection (`inspect NAME`); nil follows the current step.
    public var pinned: String?
    public var tab: Int
    public var scrollRow: Int
    public var scrollCol: Int
    /// The W1 column drawn as a picture (image data).
    public var pictureColumn: Int
    public var showHelp: Bool
    /// The backward program pane in place of the inspector (`p`).
    public var showProgram: Bool
    public var check: CheckReport?
    /// The entry `:explain` expanded, shown in the inspector until the view changes.
    public var explanation: EntryExplanation?
    /// Quiz mode, its question waiting and its score.
    public var quiz: Quiz
    public var status: Status
    public var lastMark: String?
    public var quit: Bool
    /// The `:` command line while it is open, and the commands entered before (↑/↓).
    public var prompt: Prompt?
    public var history: [String]
    /// Breakpoints and watches (`:break`, `:watch`), in the order set.
    public var probes: [Probe]
    /// What-if edits to the minibatch being stepped (`:edit`); gone when the model changes.
    public var whatIf: WhatIf?
    /// Step the minibatch as the trainer computes it: its rows in the trainer's arrangement
    /// (`MinibatchOrder`), so that sums over the rows run in training's order, and shown in the
    /// minibatch's order. `--open` sets it, so that a failing update is stepped bit for bit.
    public var stepsAsTrained = false { didSet { if stepsAsTrained != oldValue { try? restartStepper() } } }

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
    /// Updates made, epochs completed, and the position of the next minibatch in the epoch's order.
    public var updates: Int { run.updates }
    public var epoch: Int { run.epochsDone }
    public var cursor: Int { run.position }
    /// Minibatches per epoch (the last may be partial, as in --batch).
    public var batchesPerEpoch: Int { run.updatesPerEpoch }
    public var features: Int { train.d }
    public var classes: Int { train.classes }
    public var trainAccuracy: Double? { run.accuracy?.train }
    public var testAccuracy: Double? { run.accuracy?.test }
    /// The update count the accuracies were measured at (nil: not yet measured).
    public var accuracyAt: Int? { run.accuracy?.step }
}
