import BackpropCore
import BackpropData
import BackpropTraining

/// The model and training settings an exploration runs with (what a session header records).
public struct ExplorerConfig: Equatable, Sendable {
    /// `--data` as given (spiral, fashion-mnist, or a path) and the digest of its decompressed bytes.
    public var data: String
    public var dataDigest: String
    public var hidden: Int
    public var batchSize: Int
    public var lr: Double
    public var lambda: Double
    public var seed: UInt64
    /// Graph text of another model over the same leaves (`--graph FILE`); nil is Figure 6.11.
    public var graph: String?
    /// The training loop's arithmetic and generator (as `--batch`'s: the same flags give the same bits).
    public var precision: Precision
    public var rng: RandomKind
    public var shuffle: Bool
    public var initScheme: Initializer

    public init(data: String, dataDigest: String, hidden: Int, batchSize: Int, lr: Double, lambda: Double, seed: UInt64,
                graph: String? = nil, precision: Precision = .float64, rng: RandomKind = .numpy, shuffle: Bool = true,
                initScheme: Initializer = .he) {
        self.data = data; self.dataDigest = dataDigest; self.hidden = hidden; self.batchSize = batchSize
        self.lr = lr; self.lambda = lambda; self.seed = seed; self.graph = graph
        self.precision = precision; self.rng = rng; self.shuffle = shuffle; self.initScheme = initScheme
    }

    /// The loop's settings for these (the threads are the machine's business, not the model's).
    public func settings(threads: Int) -> LoopSettings {
        LoopSettings(hidden: hidden, batchSize: batchSize, lr: lr, lambda: lambda, seed: seed, rng: rng,
                     shuffle: shuffle, initScheme: initScheme, threads: threads)
    }

    /// Parses and checks graph text for both faces: the inputs must be X and y, the parameters any
    /// (each reaching the loss), and the only constant λ. Returns the error text otherwise.
    public static func graph(from text: String) throws(ExplorerError) -> Graph {
        let g: Graph
        do { g = try Graph(parsing: text) } catch { throw .badValue(error.description) }
        let inputs = Set(g.names(of: .input))
        func shown(_ names: Set<String>) -> String {
            inert(names.sorted().prefix(6).joined(separator: ", "), limit: 80)
        }
        guard inputs == ["X", "y"] else {
            throw .badValue("inputs are \(shown(inputs)); expected X and y (the minibatch and its labels)")
        }
        if let c = g.constantNames.first(where: { $0 != "λ" && $0 != "k" }) {
            throw .badValue("constant '\(inert(c, limit: 40))' is unknown; expected λ (or k, the classes)")
        }
        if let problem = g.trainingProblem { throw .badValue(problem) }
        return g
    }

    /// The TUI's defaults: a model small enough that every matrix of a step is readable.
    public static let defaultHidden = 8
    public static let defaultBatch = 8
    public static let defaultLR = 1.0
    public static let defaultLambda = 1e-3
}
