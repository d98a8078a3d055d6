import BackpropCore

/// The generator that draws the epochs' orders, as a value (a checkpoint holds its words).
public enum OrderStream: Equatable, Sendable {
    case numpy(NumpyGenerator)
    case xoshiro(SeededGenerator)

    /// The next epoch's order: a permutation of 0..<n, or the data's own order without shuffling
    /// (which draws nothing).
    public mutating func order(_ n: Int, shuffle: Bool) -> [Int] {
        guard shuffle else { return Array(0..<n) }
        switch self {
        case .numpy(var g): let p = g.permutation(n); self = .numpy(g); return p
        case .xoshiro(var g): let p = g.permutation(n); self = .xoshiro(g); return p
        }
    }

    /// The whole state, for a checkpoint and a session digest.
    public var words: [UInt64] {
        switch self { case .numpy(let g): g.words; case .xoshiro(let g): g.words }
    }
}
