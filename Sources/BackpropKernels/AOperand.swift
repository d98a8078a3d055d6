/// The A operand of a product: a strided matrix of T, or rows of bytes (always packed).
public enum AOperand<T>: @unchecked Sendable {
    case strided(StridedOperand<T>)
    case bytes(ByteRows<T>)

    /// Whether A is stored transposed: a k-slice of a panel is then 8 neighbouring values.
    var transposed: Bool {
        switch self {
        case .strided(let s): return s.colStride != 1
        case .bytes(let r): return r.transposed
        }
    }
}
