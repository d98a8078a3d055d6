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
    case sgd(w: UnsafeMutablePointer<T>, lambda: T, lr: T, nonFinite: UnsafeMutablePointer<UInt8>, squares: UnsafeMutablePointer<T>? = nil)

    var isSGD: Bool { if case .sgd = self { return true }; return false }
}
