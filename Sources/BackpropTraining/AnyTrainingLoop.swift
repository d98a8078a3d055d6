import BackpropCore

/// A training loop whatever its precision: what the TUI, which shows every value in float64, needs
/// of it. An enum, not an existential: each case calls its loop's own code, specialised for Float or
/// Double in this module (through a protocol witness the loop would run unspecialised, several
/// times slower).
public enum AnyTrainingLoop: Sendable {
    case float32(TrainingLoop<Float>)
    case float64(TrainingLoop<Double>)

    public var settings: LoopSettings {
        switch self { case .float32(let l): l.settings; case .float64(let l): l.settings }
    }
    /// Updates made.
    public var updates: Int { switch self { case .float32(let l): l.state.step; case .float64(let l): l.state.step } }
    /// Epochs completed.
    public var epochsDone: Int {
        switch self { case .float32(let l): l.state.epoch; case .float64(let l): l.state.epoch }
    }
    /// Examples of the current epoch's order already trained on.
    public var position: Int {
        switch self { case .float32(let l): l.state.position; case .float64(let l): l.state.position }
    }
    public var isMeasuring: Bool {
        switch self { case .float32(let l): l.state.isMeasuring; case .float64(let l): l.state.isMeasuring }
    }
    public var accuracy: LoopEvent.Accuracy? {
        switch self { case .float32(let l): l.state.accuracy; case .float64(let l): l.state.accuracy }
    }
    public var nextBatch: ArraySlice<Int> {
        switch self { case .float32(let l): l.nextBatch; case .float64(let l): l.nextBatch }
    }
    /// Examples `batch` in the order the trainer takes them (`MinibatchOrder`).
    public func arranged(_ batch: [Int]) -> [Int] {
        switch self { case .float32(let l): l.arranged(batch[...]); case .float64(let l): l.arranged(batch[...]) }
    }
    public var updatesPerEpoch: Int {
        switch self { case .float32(let l): l.updatesPerEpoch; case .float64(let l): l.updatesPerEpoch }
    }
    public var updatesLeftInEpoch: Int {
        switch self { case .float32(let l): l.updatesLeftInEpoch; case .float64(let l): l.updatesLeftInEpoch }
    }
    /// The order stream's words (at the epoch's start, then now): what a session digest hashes.
    public var streamWords: [UInt64] {
        switch self {
        case .float32(let l): l.state.epochStream.words + l.state.stream.words
        case .float64(let l): l.state.epochStream.words + l.state.stream.words
        }
    }
    /// The parameters by name in float64 (exact for float32 weights), in graph order; `sync` first.
    public var parametersInDouble: [(name: String, value: Matrix<Double>)] {
        switch self {
        case .float32(let l):
            zip(l.parameters, l.state.params).map { p, v in
                (p.name, Matrix(rows: p.shape.rows, cols: p.shape.cols, v.map { Double($0) }))
            }
        case .float64(let l):
            zip(l.parameters, l.state.params).map { p, v in
                (p.name, Matrix(rows: p.shape.rows, cols: p.shape.cols, v))
            }
        }
    }

    public mutating func advance() -> LoopEvent {
        switch self {
        case .float32(var l): let e = l.advance(); self = .float32(l); return e
        case .float64(var l): let e = l.advance(); self = .float64(l); return e
        }
    }

    /// Brings the executor's weights into the value.
    public mutating func sync() {
        switch self {
        case .float32(var l): l.sync(); self = .float32(l)
        case .float64(var l): l.sync(); self = .float64(l)
        }
    }

    /// Sets the conditions read after every update (`TrainingLoop.setProbes`).
    public mutating func setProbes(_ probes: [TensorPredicate], stops: [Bool]) {
        switch self {
        case .float32(var l): l.setProbes(probes, stops: stops); self = .float32(l)
        case .float64(var l): l.setProbes(probes, stops: stops); self = .float64(l)
        }
    }

    public mutating func requestMeasurement() {
        switch self {
        case .float32(var l): l.requestMeasurement(); self = .float32(l)
        case .float64(var l): l.requestMeasurement(); self = .float64(l)
        }
    }

    public mutating func change(lr: Double?, lambda: Double?, batchSize: Int?) {
        switch self {
        case .float32(var l): l.change(lr: lr, lambda: lambda, batchSize: batchSize); self = .float32(l)
        case .float64(var l): l.change(lr: lr, lambda: lambda, batchSize: batchSize); self = .float64(l)
        }
    }
}
