import BackpropCore
import BackpropData

/// What makes one SGD update and counts right answers for the loop: the fused trainer for graphs
/// of Figure 6.11's shape, the engine for any other (`TrainingLoop.executor(for:)`).
public protocol Executor<Scalar>: AnyObject {
    associatedtype Scalar: Real
    /// The weights, row-major (copies in and out).
    var W1: [Scalar] { get set }
    var W2: [Scalar] { get set }
    var learningRate: Scalar { get set }
    var lambda: Scalar { get set }
    /// The largest minibatch it has room for.
    var maxBatch: Int { get }
    /// One update on examples `rows` of `data`; `next` are the next update's (to prefetch).
    func update(on data: Dataset, rows: ArraySlice<Int>,
                next: ArraySlice<Int>) -> Result<FusedTrainer<Scalar>.StepResult, EvalError>
    /// How many of examples `rows` (at most maxBatch) the model classifies right; nil without logits.
    func hits(on data: Dataset, rows: ArraySlice<Int>) -> Int?
}

extension FusedTrainer: Executor {
    public func update(on data: Dataset, rows: ArraySlice<Int>,
                       next: ArraySlice<Int>) -> Result<StepResult, EvalError> {
        .success(step(on: data, rows: rows, next: next))
    }

    public func hits(on data: Dataset, rows: ArraySlice<Int>) -> Int? {
        hits(count: rows.count) { _, m, x, y in data.gather(rows, rows: 0..<m, x: x, y: y) }
    }
}
