import BackpropCore

/// Weights and resume state in a safetensors file: tensors `W1` [d, n_h] and `W2` [n_h, k].
///
/// A checkpoint is a weights file whose `__metadata__` also holds the step, the epoch, the position
/// in the epoch's data order and the shuffle generator's state at the start of that epoch.
public struct WeightsFile<T: Real>: Sendable {
    public var W1: Matrix<T>
    public var W2: Matrix<T>
    public var metadata: [(String, String)]

    public init(W1: Matrix<T>, W2: Matrix<T>, metadata: [(String, String)]) {
        self.W1 = W1; self.W2 = W2; self.metadata = metadata
    }

    public func meta(_ key: String) -> String? { metadata.first { $0.0 == key }?.1 }

    public func encoded() -> [UInt8] {
        SafeTensors(tensors: [("W1", Self.stored(W1)), ("W2", Self.stored(W2))], metadata: metadata).encoded()
    }

    static func stored(_ m: Matrix<T>) -> StoredTensor {
        StoredTensor(dtype: T.dtype, shape: [m.rows, m.cols], bytes: m.storage.withUnsafeBytes { Array($0) })
    }

    /// Loads W1 and W2 (F32 or F64, converted to T), checking shapes against the data and `--hidden`.
    public static func load(_ path: String, d: Int, hidden: Int, classes: Int) throws(IOError) -> WeightsFile {
        let st = try SafeTensors.load(path)
        func matrix(_ name: String, _ rows: Int, _ cols: Int, _ why: String) throws(IOError) -> Matrix<T> {
            guard let t = st[name] else {
                throw IOError(path, "no tensor \(name); expected W1 [d, n_h] and W2 [n_h, k]")
            }
            guard t.dtype == "F32" || t.dtype == "F64", let v = t.doubles() else {
                throw IOError(path, "\(name) has dtype \(t.dtype); expected F32 or F64")
            }
            guard t.shape == [rows, cols] else {
                throw IOError(path, "\(name) has shape \(t.shape); expected [\(rows), \(cols)] (\(why))")
            }
            if let bad = v.firstIndex(where: { !$0.isFinite }) {
                throw IOError(path, "\(name) holds \(v[bad]) at index \(bad); expected finite weights")
            }
            return Matrix(rows: rows, cols: cols, v.map { T($0) })
        }
        let W1 = try matrix("W1", d, hidden, "d = \(d) from the data, n_h = \(hidden) from --hidden")
        let W2 = try matrix("W2", hidden, classes, "n_h = \(hidden) from --hidden, k = \(classes) classes in the data")
        return WeightsFile(W1: W1, W2: W2, metadata: st.metadata)
    }
}
