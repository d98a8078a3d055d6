import BackpropKernels

/// A dense row-major matrix with value semantics (copy-on-write storage).
///
/// Keeping every engine state as a value is what makes stepping back exact: an earlier state
/// is simply kept, and unchanged matrices are shared between states, not copied.
public struct Matrix<T: Real>: Sendable, Equatable {
    public private(set) var rows: Int
    public private(set) var cols: Int
    public var storage: [T]

    public init(rows: Int, cols: Int, repeating value: T = 0) {
        self.rows = rows; self.cols = cols
        storage = [T](repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, _ values: [T]) {
        precondition(values.count == rows * cols, "Matrix: \(values.count) values for \(rows)×\(cols)")
        self.rows = rows; self.cols = cols; storage = values
    }

    /// A 1×1 matrix.
    public init(scalar: T) { self.init(rows: 1, cols: 1, [scalar]) }

    public init(rows: Int, cols: Int, generator: (Int, Int) -> T) {
        self.rows = rows; self.cols = cols
        var s = [T](); s.reserveCapacity(rows * cols)
        for i in 0..<rows { for j in 0..<cols { s.append(generator(i, j)) } }
        storage = s
    }

    public var shape: Shape { Shape(rows, cols) }
    public var count: Int { storage.count }
    /// The single element of a 1×1 matrix.
    public var scalar: T { storage[0] }

    public subscript(i: Int, j: Int) -> T {
        get { storage[i * cols + j] }
        set { storage[i * cols + j] = newValue }
    }

    /// Elementwise map into a new matrix of the same shape.
    public func map(_ f: (T) -> T) -> Matrix { Matrix(rows: rows, cols: cols, storage.map(f)) }

    /// Elementwise combination of two matrices of the same shape.
    public func zip(_ other: Matrix, _ f: (T, T) -> T) -> Matrix {
        precondition(shape == other.shape, "zip: \(shape) vs \(other.shape)")
        var out = storage
        other.storage.withUnsafeBufferPointer { o in
            out.withUnsafeMutableBufferPointer { d in for i in 0..<d.count { d[i] = f(d[i], o[i]) } }
        }
        return Matrix(rows: rows, cols: cols, out)
    }

    /// Bit-for-bit equality (NaNs with equal payloads are equal, +0 and −0 are not).
    public func bitwiseEqual(_ other: Matrix) -> Bool {
        guard shape == other.shape else { return false }
        for i in 0..<count where storage[i].bitPattern != other.storage[i].bitPattern { return false }
        return true
    }

    /// The same values in another precision.
    public func converted<U: Real>(to: U.Type = U.self) -> Matrix<U> {
        Matrix<U>(rows: rows, cols: cols, storage.map { U($0) })
    }
}

extension BinaryFloatingPoint {
    /// The raw bits, widened, for bit-identity checks.
    var bitPattern: UInt64 {
        if let f = self as? Float { return UInt64(f.bitPattern) }
        if let d = self as? Double { return d.bitPattern }
        return UInt64(Double(self).bitPattern)
    }
}
