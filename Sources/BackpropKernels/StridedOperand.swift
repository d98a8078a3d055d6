/// A strided read-only view of a matrix operand: element (i, p) is at `base[i*rowStride + p*colStride]`.
///
/// A transpose is the same storage with the strides swapped, so transposed products never copy.
public struct StridedOperand<T>: @unchecked Sendable {
    public var base: UnsafePointer<T>
    public var rowStride: Int
    public var colStride: Int
    @inlinable public init(_ base: UnsafePointer<T>, rowStride: Int, colStride: Int) {
        self.base = base; self.rowStride = rowStride; self.colStride = colStride
    }
    /// Row-major `rows × cols` storage, optionally read transposed.
    @inlinable public init(rowMajor base: UnsafePointer<T>, cols: Int, transposed: Bool) {
        self.base = base
        if transposed { rowStride = 1; colStride = cols } else { rowStride = cols; colStride = 1 }
    }
}
