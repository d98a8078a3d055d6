/// Weight initialisation schemes.
public enum Initializer: String, CaseIterable, Sendable {
    /// He: N(0, 2/fan_in), for relu layers.
    case he
    /// Glorot (Xavier) uniform: U(−a, a), a = √(6/(fan_in + fan_out)).
    case glorot

    /// A fan_in × fan_out weight matrix drawn from `rng`.
    /// The draws are made in Double, row by row, then rounded to T: numpy's
    /// `(rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)).astype(np.float32)`.
    public func weights<T: Real, R: RandomSource>(fanIn: Int, fanOut: Int, rng: inout R) -> Matrix<T> {
        switch self {
        case .he:
            let sd = (2.0 / Double(fanIn)).squareRoot()
            return Matrix(rows: fanIn, cols: fanOut) { _, _ in T(rng.standardNormal() * sd) }
        case .glorot:
            let a = (6.0 / Double(fanIn + fanOut)).squareRoot()
            return Matrix(rows: fanIn, cols: fanOut) { _, _ in T(rng.symmetricUniform(a)) }
        }
    }
}
