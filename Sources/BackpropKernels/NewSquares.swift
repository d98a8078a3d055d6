/// Where `Update.step` sums the squares of the new weights of a matrix of `cols` columns: the
/// block sums of `Reduce.blockColumns`, in `partials` (`Reduce.scratchCount(rows:cols:)` values,
/// so that `Reduce.foldBlocks` can fold them there).
public struct NewSquares<T>: @unchecked Sendable {
    public let partials: UnsafeMutablePointer<T>
    public let cols: Int
    public init(partials: UnsafeMutablePointer<T>, cols: Int) {
        self.partials = partials
        self.cols = cols
    }
}
