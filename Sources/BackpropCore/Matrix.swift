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

    /// Elementwise map into a new matrix of the same shape. Always inlined, so that the closure is
    /// too and the loop vectorises (called through a closure value it ran ~10× slower).
    @inline(__always)
    public func map(_ f: (T) -> T) -> Matrix {
        let out = storage.withUnsafeBufferPointer { s in
            [T](unsafeUninitializedCapacity: s.count) { d, n in
                for i in 0..<s.count { d[i] = f(s[i]) }
                n = s.count
            }
        }
        return Matrix(rows: rows, cols: cols, out)
    }

    /// Elementwise combination of two matrices of the same shape (always inlined, as `map`).
    @inline(__always)
    public func zip(_ other: Matrix, _ f: (T, T) -> T) -> Matrix {
        precondition(shape == other.shape, "zip: \(shape) vs \(other.shape)")
        let out = storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                [T](unsafeUninitializedCapacity: a.count) { d, n in
                    for i in 0..<a.count { d[i] = f(a[i], b[i]) }
                    n = a.count
                }
            }
        }
        return Matrix(rows: rows, cols: cols, out)
    }

    /// `self[i] = f(self[i], other[i])` in place: the same values as `zip`, without a new matrix
    /// (fan-in and the SGD update write into storage they own).
    @inline(__always)
    public mutating func formZip(_ other: Matrix, _ f: (T, T) -> T) {
        precondition(shape == other.shape, "zip: \(shape) vs \(other.shape)")
        other.storage.withUnsafeBufferPointer { b in
            storage.withUnsafeMutableBufferPointer { d in for i in 0..<d.count { d[i] = f(d[i], b[i]) } }
        }
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
