/// The worked example's named quantities, retrievable from any engine state of Figure 6.11.
public enum Quantity: String, CaseIterable, Sendable {
    case G = "G"
    case GPrime = "G'"
    case HTG = "Hᵀ G"
    case GW2T = "G W2ᵀ"
    case XTGPrime = "Xᵀ G'"
    case decayW1 = "2λW1"
    case decayW2 = "2λW2"
    case gradW1 = "∇W1 J"
    case gradW2 = "∇W2 J"
    case JMLE = "J_MLE"
    case J = "J"

    /// ASCII names (used in trace files and typed at the REPL).
    public var asciiName: String {
        switch self {
        case .G: "G"; case .GPrime: "G_prime"; case .HTG: "HT_G"; case .GW2T: "G_W2T"; case .XTGPrime: "XT_Gprime"
        case .decayW1: "decay_W1"; case .decayW2: "decay_W2"; case .gradW1: "grad_W1"; case .gradW2: "grad_W2"
        case .JMLE: "J_MLE"; case .J: "J"
        }
    }

    /// Finds a quantity by its book name or ASCII name (case-sensitive, spaces ignored).
    public init?(name: String) {
        let key = name.filter { $0 != " " }
        guard let q = Quantity.allCases.first(where: { $0.rawValue.filter { $0 != " " } == key || $0.asciiName == key })
        else { return nil }
        self = q
    }

    /// Where the quantity lives: a node's value, its gradient, or a contribution made by one step.
    public enum Source: Sendable {
        case value(String), incoming(String), contribution(step: String, to: String), grad(String)
    }

    public var source: Source {
        switch self {
        case .G: .incoming("U2")
        case .GPrime: .incoming("U1")
        case .HTG: .contribution(step: "U2", to: "W2")
        case .GW2T: .contribution(step: "U2", to: "H")
        case .XTGPrime: .contribution(step: "U1", to: "W1")
        case .decayW1: .contribution(step: "U3", to: "W1")
        case .decayW2: .contribution(step: "U5", to: "W2")
        case .gradW1: .grad("W1")
        case .gradW2: .grad("W2")
        case .JMLE: .value("J_MLE")
        case .J: .value("J")
        }
    }

    /// The quantity's value in `state`, or nil if it has not been computed yet.
    /// Gradients of parameters are returned once complete (after the last backward step).
    public func value<T>(in state: EngineState<T>, engine: Engine<T>) -> Matrix<T>? {
        let g = engine.graph
        switch source {
        case .value(let n): return g.id(n).flatMap { state.values[$0] }
        case .incoming(let n):
            guard let id = g.id(n) else { return nil }
            return state.steps.first { $0.node == id }?.incoming
        case let .contribution(step, to):
            guard let s = g.id(step), let t = g.id(to) else { return nil }
            return state.steps.first { $0.node == s }?.contributions.first { $0.input == t }?.value
        case .grad(let n):
            guard let id = g.id(n), state.position >= engine.stepCount else { return nil }
            return state.grads[id]
        }
    }
}
