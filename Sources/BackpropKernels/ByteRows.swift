/// Rows of bytes read as a matrix R of T, `R(r, c) = T(rows[r][c]) · scale`: images as the data
/// set stores them, converted as they are packed, so that a product's A needs no float copy.
public struct ByteRows<T>: @unchecked Sendable {
    /// Where each row starts (the minibatch's examples, in the data set's own storage).
    public var rows: UnsafePointer<UnsafePointer<UInt8>>
    public var scale: T
    /// A is Rᵀ (Xᵀ in Xᵀ G'), not R (X in X W1).
    public var transposed: Bool
    @inlinable public init(rows: UnsafePointer<UnsafePointer<UInt8>>, scale: T, transposed: Bool) {
        self.rows = rows; self.scale = scale; self.transposed = transposed
    }
}
