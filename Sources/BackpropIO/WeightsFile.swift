import BackpropCore

/// Parameters and resume state in a safetensors file: one tensor per parameter, by its graph name
/// (`W1` [d, n_h] and `W2` [n_h, k] for Figure 6.11).
///
/// A checkpoint is a weights file whose `__metadata__` also holds the step, the epoch, the position
/// in the epoch's data order, the shuffle generator's state at the start of that epoch and the graph.
public struct WeightsFile<T: Real>: Sendable {
    public var tensors: [(name: String, value: Matrix<T>)]
    public var metadata: [(String, String)]

    public init(tensors: [(name: String, value: Matrix<T>)], metadata: [(String, String)]) {
        self.tensors = tensors; self.metadata = metadata
    }

    public func meta(_ key: String) -> String? { metadata.first { $0.0 == key }?.1 }

    public func encoded() -> [UInt8] {
        SafeTensors(tensors: tensors.map { ($0.name, Self.stored($0.value)) }, metadata: metadata).encoded()
    }

    static func stored(_ m: Matrix<T>) -> StoredTensor {
        StoredTensor(dtype: T.dtype, shape: [m.rows, m.cols], bytes: m.storage.withUnsafeBytes { Array($0) })
    }

    /// Loads the expected tensors (F32 or F64, converted to T). A missing, extra or wrongly shaped
    /// tensor is refused in one line that names it.
    public static func load(_ path: String, expected: [ExpectedTensor]) throws(IOError) -> WeightsFile {
        let st = try SafeTensors.load(path)
        let names = expected.map(\.name)
        let listed = expected.map { "\($0.name) [\($0.shape.rows), \($0.shape.cols)]" }.joined(separator: ", ")
        if let extra = st.tensors.map(\.0).first(where: { !names.contains($0) }) {
            throw IOError(path, "extra tensor \(inert(extra, limit: 40)); expected only \(listed)")
        }
        var out: [(name: String, value: Matrix<T>)] = []
        for e in expected {
            let (name, rows, cols) = (e.name, e.shape.rows, e.shape.cols)
            guard let t = st[name] else { throw IOError(path, "no tensor \(name); expected \(listed)") }
            guard t.dtype == "F32" || t.dtype == "F64", let v = t.doubles() else {
                throw IOError(path, "\(name) has dtype \(t.dtype); expected F32 or F64")
            }
            guard t.shape == [rows, cols] else {
                throw IOError(path, "\(name) has shape \(t.shape); expected [\(rows), \(cols)] (\(e.why))")
            }
            if let bad = v.firstIndex(where: { !$0.isFinite }) {
                throw IOError(path, "\(name) holds \(v[bad]) at index \(bad); expected finite weights")
            }
            out.append((name, Matrix(rows: rows, cols: cols, v.map { T($0) })))
        }
        return WeightsFile(tensors: out, metadata: st.metadata)
    }
}
