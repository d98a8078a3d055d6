import BackpropCore

/// `--rng`: whose generator draws the initial weights and the epochs' orders.
public enum RandomKind: String, CaseIterable, Sendable {
    /// numpy's: weights from `default_rng(seed)`, W1 then W2; epoch orders from `default_rng(seed + 1)`,
    /// one `permutation(n)` per epoch (the peers' convention, so a run starts where theirs start).
    case numpy
    /// xoshiro256** through SplitMix64 (the TUI's only generator before 0.6.0).
    case xoshiro

    /// The initial parameters of these shapes for `seed`, drawn in order: a matrix by its fan-in
    /// (its rows) as `scheme` says, a 1×n row (a bias) zero without a draw. For Figure 6.11, W1 then W2.
    public func parameters<T: Real>(_ scheme: Initializer, shapes: [Shape], seed: UInt64) -> [Matrix<T>] {
        func draw<R: RandomSource>(_ rng: inout R) -> [Matrix<T>] {
            shapes.map { s in
                s.rows == 1 ? Matrix(rows: 1, cols: s.cols) : scheme.weights(fanIn: s.rows, fanOut: s.cols, rng: &rng)
            }
        }
        switch self {
        case .numpy: var g = NumpyGenerator(seed: seed); return draw(&g)
        case .xoshiro: var g = SeededGenerator(seed: seed); return draw(&g)
        }
    }

    /// The stream of epoch orders for `seed` (its own generator, so that initialisation never moves it).
    public func orders(seed: UInt64) -> OrderStream {
        switch self {
        case .numpy: .numpy(NumpyGenerator(seed: seed, offset: 1))
        case .xoshiro: .xoshiro(SeededGenerator(seed: seed ^ 0xD1B5_4A32_D192_ED03))
        }
    }

    /// The order stream of a checkpoint's words; nil when they cannot be this kind's state.
    public func orders(words: [UInt64]) -> OrderStream? {
        switch self {
        case .numpy: NumpyGenerator(words: words).map { .numpy($0) }
        case .xoshiro: words.count == 4 ? .xoshiro(SeededGenerator(state: words)) : nil
        }
    }
}
