/// Everything the explorer can be asked to do: domain commands, never keystrokes.
///
/// Sessions store these; replay folds them through `Explorer.reduce`.
public enum Action: Equatable, Sendable {
    // Stepping through one minibatch's forward and backward pass.
    case stepForward, stepBackward, first, last, forwardPhase, backwardPhase
    case goto(String)
    /// To the step of a node the current step's node reads (`producer`) or of one that reads it
    /// (`consumer`), in the same pass.
    case producer, consumer
    // Training.
    case trainStep
    case train(steps: Int)
    /// The updates a training made before it was stopped (Esc, Ctrl-C, quit): no measurement after.
    case trainStopped(steps: Int)
    case trainEpoch
    case set(Setting, Double)
    case reset
    // Looking around.
    case inspect(String)
    case nextTab, previousTab
    case scroll(rows: Int, cols: Int)
    case picture(Int)
    case check
    case toggleHelp
    /// The backward program pane instead of the inspector.
    case toggleProgram
    case dismiss
    case mark(String)
    /// `:explain NAME[i,j]`: one entry of a value or gradient with the numbers of its rule.
    case explain(String)
    /// Quiz mode on or off.
    case quiz(Bool)
    /// An answer to the question waiting (it is judged, then the step is taken).
    case answer(String)
    /// `:break PRED` and `:watch PRED`: a condition read after every training update's backward
    /// pass (and at every step); a breakpoint stops training and stepping where it holds.
    case breakOn(String)
    case watch(String)
    /// `:delete N` (1-based, as `:breaks` numbers them); `:breaks` lists them.
    case deleteProbe(Int)
    case listProbes
    /// `:edit NAME[i,j] = V`: a what-if change to the minibatch being stepped; `:undo` takes it back.
    case edit(String)
    case undo
    case quit

    /// Whether the action trains (the live TUI runs it in slices between frames).
    public var trains: Bool {
        switch self { case .trainStep, .train, .trainStopped, .trainEpoch: true; default: false }
    }

    var isAnswer: Bool { if case .answer = self { true } else { false } }

    /// Whether the action changes the model or the step cursor (what a replay must re-execute to agree).
    public var changesModel: Bool {
        switch self {
        case .stepForward, .stepBackward, .first, .last, .forwardPhase, .backwardPhase, .goto, .producer, .consumer,
             .trainStep, .train, .trainStopped, .trainEpoch, .set, .reset, .answer, .breakOn, .watch, .deleteProbe,
             .edit, .undo: true
        default: false
        }
    }
}
