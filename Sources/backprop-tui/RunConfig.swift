import BackpropCore
import BackpropIO
import BackpropKernels
import Foundation
import BackpropData

/// Flags resolved against the data set (data-dependent defaults filled in, values checked).
struct RunConfig {
    var hidden: Int, batchSize: Int, epochs: Int, steps: Int?, lr: Double, lambda: Double, seed: UInt64
    var threads: Int, shuffle: Bool, initScheme: Initializer, rng: RandomKind
    var initPath: String?, savePath: String?, checkpointEvery: Int?, resumePath: String?
    var tracePath: String?, traceStep: Int?
    var logPath: String?, logEvery: Int?

    /// Hyperparameters that must agree between a checkpoint and the run that resumes it.
    func identity(precision: String) -> [(String, String)] {
        [("hidden", "\(hidden)"), ("batch_size", "\(batchSize)"), ("lr", "\(lr)"), ("lambda", "\(lambda)"),
         ("seed", "\(seed)"), ("rng", rng.rawValue), ("precision", precision), ("shuffle", "\(shuffle)")]
    }
}
