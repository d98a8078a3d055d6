import BackpropCore
import BackpropData

/// What makes one SGD update and counts right answers for a loop: the fused trainer for graphs of
/// Figure 6.11's shape (watched when it has breakpoints), the engine for any other
/// (`TrainingLoop.executor`). An enum, not a protocol
/// existential: calls go straight to the concrete type and are specialised with the loop (through
/// `any` they ran unspecialised, ~3× slower).
enum ExecutorChoice<T: Real>: Sendable {
    case fused(FusedTrainer<T>)
    case engine(EngineExecutor<T>)
    /// The fused trainer with breakpoints it can judge, the engine making the updates it flags.
    case watched(FusedWatch<T>)

    /// The parameters in graph order (the fused trainer's are W1 and W2).
    var params: [[T]] {
        get {
            switch self {
            case .fused(let e): [e.W1, e.W2]
            case .engine(let e): e.params
            case .watched(let w): w.params
            }
        }
        nonmutating set {
            switch self {
            case .fused(let e): e.W1 = newValue[0]; e.W2 = newValue[1]
            case .engine(let e): e.params = newValue
            case .watched(let w): w.params = newValue
            }
        }
    }
    func setRates(lr: T, lambda: T) {
        switch self {
        case .fused(let e): e.learningRate = lr; e.lambda = lambda
        case .watched(let w):
            w.trainer.learningRate = lr; w.trainer.lambda = lambda   // (the engine takes them when it runs)
        case .engine(let e):
            e.learningRate = lr
            if e.lambda != lambda { e.lambda = lambda }
        }
    }
    var isEngine: Bool { if case .engine = self { true } else { false } }
    /// Whether an update whose gradient is not finite is withheld, leaving the weights before it
    /// (the engine's way; the fused trainer's updates are made tile by tile as the gradient is).
    var withholdsBadUpdates: Bool { if case .fused = self { false } else { true } }
    var maxBatch: Int {
        switch self {
        case .fused(let e): e.maxBatch
        case .engine(let e): e.maxBatch
        case .watched(let w): w.trainer.maxBatch
        }
    }

    func update(on data: Dataset, rows: ArraySlice<Int>,
                next: ArraySlice<Int>) -> Result<FusedTrainer<T>.StepResult, EvalError> {
        switch self {
        case .fused(let e): .success(e.step(on: data, rows: rows, next: next))
        case .engine(let e): e.update(on: data, rows: rows, next: next)
        case .watched(let w): w.update(on: data, rows: rows, next: next)
        }
    }

    func hits(on data: Dataset, rows: ArraySlice<Int>) -> Int? {
        switch self {
        case .fused(let e):
            e.hits(count: rows.count) { _, m, x, y in data.gather(rows, rows: 0..<m, x: x, y: y) }
        case .watched(let w):
            w.trainer.hits(count: rows.count) { _, m, x, y in data.gather(rows, rows: 0..<m, x: x, y: y) }
        case .engine(let e): e.hits(on: data, rows: rows)
        }
    }
}
