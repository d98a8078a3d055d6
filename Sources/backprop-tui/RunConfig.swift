import BackpropCore
import BackpropIO
import BackpropKernels
import Foundation
import BackpropData
import BackpropTraining

/// Flags resolved against the data set (data-dependent defaults filled in, values checked).
struct RunConfig {
    /// Figure 6.11, or `--graph FILE`'s.
    var graph: Graph
    var hidden: Int, batchSize: Int, epochs: Int, steps: Int?, lr: Double, lambda: Double, seed: UInt64
    var threads: Int, shuffle: Bool, initScheme: Initializer, rng: RandomKind
    var initPath: String?, savePath: String?, checkpointEvery: Int?, resumePath: String?
    var tracePath: String?, traceStep: Int?
    var logPath: String?, logEvery: Int?
    /// `--break-on`'s predicates, parsed against the graph, and `--break-bundle`.
    var breakOn: [TensorPredicate] = [], breakBundlePath: String?

    /// The loop's settings (what must agree between a checkpoint and the run that resumes it, and the threads).
    var settings: LoopSettings {
        LoopSettings(hidden: hidden, batchSize: batchSize, lr: lr, lambda: lambda, seed: seed, rng: rng,
                     shuffle: shuffle, initScheme: initScheme, threads: threads)
    }
}
