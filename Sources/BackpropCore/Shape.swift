/// The shape of a dense row-major matrix; scalars are 1×1.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    public var rows: Int
    public var cols: Int
    public init(_ rows: Int, _ cols: Int) { self.rows = rows; self.cols = cols }
    public var count: Int { rows * cols }
    public var isScalar: Bool { rows == 1 && cols == 1 }
    public var description: String { "\(rows)×\(cols)" }
}
