import BackpropCore

/// What a loop computes with, kept between updates: the executor (with its threads and buffers)
/// and the minibatch arrangements. Not part of the loop's value: a copy of a loop shares it, and
/// loads its own weights into it when another copy has used it since (`TrainingLoop.revision`).
final class Workspace<T: Real>: @unchecked Sendable {
    var executor: ExecutorChoice<T>
    var arrangement: MinibatchOrder
    var testArrangement: MinibatchOrder?
    /// The revision of the weights the executor holds (0: none a loop can claim).
    var holds: UInt64 = 0
    /// The probes the executor reads (`TrainingLoop.setProbes`): a copy of a loop with others needs another executor.
    var probes: [TensorPredicate] = []
    var stops: [Bool] = []
    var chunk: [Int] = []

    init(executor: ExecutorChoice<T>, arrangement: MinibatchOrder, testArrangement: MinibatchOrder?) {
        self.executor = executor; self.arrangement = arrangement; self.testArrangement = testArrangement
    }
}
