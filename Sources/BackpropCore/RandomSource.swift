/// What initialisation and shuffling draw from. Each generator keeps its own algorithms (its
/// normals, its uniform formula, its shuffle), so a stream is reproducible by that generator's users.
public protocol RandomSource {
    /// A standard normal draw.
    mutating func standardNormal() -> Double
    /// A uniform draw from [−a, a).
    mutating func symmetricUniform(_ a: Double) -> Double
    /// A uniformly random permutation of 0..<n.
    mutating func permutation(_ n: Int) -> [Int]
    /// The whole state, for a checkpoint.
    var words: [UInt64] { get }
}

extension SeededGenerator: RandomSource {
    public mutating func standardNormal() -> Double { nextNormal() }
    public mutating func symmetricUniform(_ a: Double) -> Double { (2 * nextUnit() - 1) * a }
    /// Fisher–Yates from the back, with Lemire's unbiased indices.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, nextIndex(below: i + 1)) }
        return p
    }
}

extension NumpyGenerator: RandomSource {
    /// numpy's `uniform(-a, a)`.
    public mutating func symmetricUniform(_ a: Double) -> Double { uniform(-a, a) }
}
