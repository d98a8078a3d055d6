/// What happens to each element of C when its last k-block is stored.
public enum GEMMEpilogue<T>: @unchecked Sendable {
    case none
    /// Also write `relu(C)` to `out` (same leading dimension as C): fuses `H = relu(U1)`.
    case reluCopy(out: UnsafeMutablePointer<T>)
    /// Zero C where `mask ≤ 0` (same leading dimension as C): fuses `G' = (G W2ᵀ) ⊙ [U1 > 0]`.
    case reluMask(by: UnsafePointer<T>)
    /// C is a data gradient ∂J/∂W (same shape and leading dimension as W): apply the SGD step
    /// `W ← W − ε (C + (2W)·λ)` tile by tile while the tile is hot, so C never has to be stored.
    /// `nonFinite[tile]` is set to 1 for a tile whose gradient held NaN or ±Inf; tiles are numbered
    /// (row / 8) · ⌈n / tileColumns⌉ + column / tileColumns (a product with n ≤ tileColumns / 2,
    /// which uses narrow tiles, has one tile column all the same), and each belongs to one thread.
    /// `squares`, when given, receives the block sums of the updated W's squares in `Reduce`'s
    /// matrix order (`Reduce.blocks(rows:)` rows of n; fold them with `Reduce.foldBlocks`): ΣW² for
    /// the next step's weight decay, made while the tile is in registers. Each thread's rows must
    /// then start on a block (`Reduce.blockRows`), as the column splits' do.
    /// `gradSquares`, when given, receives each tile's Σ gradient² (at `gradSquaresIndex`): ‖∇W‖²
    /// for a breakpoint, without a pass of its own. With it, a tile is also flagged when
    /// its sum passes T's range though every gradient is finite: a false alarm, rare, the caller's
    /// to settle (the sum stands in for the NaN test).
    case sgd(w: UnsafeMutablePointer<T>, lambda: T, lr: T, nonFinite: UnsafeMutablePointer<UInt8>,
             squares: UnsafeMutablePointer<T>? = nil, gradSquares: UnsafeMutablePointer<T>? = nil)

    /// The same epilogue with its matrices `offset` elements further (W, relu's output or mask);
    /// the non-finite flags and the block sums of squares are indexed by logical tile and column.
    func shifted(by offset: Int) -> GEMMEpilogue<T> {
        if offset == 0 { return self }
        switch self {
        case .none: return self
        case .reluCopy(let out): return .reluCopy(out: out + offset)
        case .reluMask(let mask): return .reluMask(by: mask + offset)
        case let .sgd(w, lambda, lr, nonFinite, squares, gradSquares):
            return .sgd(w: w + offset, lambda: lambda, lr: lr, nonFinite: nonFinite, squares: squares,
                        gradSquares: gradSquares)
        }
    }

    var isSGD: Bool { if case .sgd = self { return true }; return false }

    /// Where `sgd`'s `gradSquares` keeps the sum of the tile in row tile r (of 8 rows) and column
    /// tile c of a product with `colTiles` tile columns: the 16 row tiles of each 128-row block
    /// (GEMM's `mc`, what one thread makes at once) of one tile column lie together. So each cache
    /// line (16 Floats) is written by one thread, and the reader fetches 16 sums a line: a line
    /// per tile moved 800 lines between the cores each step, and cost a two-thread step ~5%.
    public static func gradSquaresIndex(rowTile r: Int, colTile c: Int, colTiles: Int) -> Int {
        (r / 16) * colTiles * 16 + c * 16 + r % 16
    }
    /// The room `gradSquares` takes for a product of `rows` rows and `colTiles` tile columns (its
    /// sums are added in index order; places of no tile stay as they were, 0).
    public static func gradSquaresCount(rows: Int, colTiles: Int) -> Int { (rows + 127) / 128 * colTiles * 16 }
}
