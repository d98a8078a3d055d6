import BackpropCore

/// Every forward value and gradient of one engine run, as safetensors tensors named as in Figure 6.11.
public enum Trace {
    /// `state` must be complete (forward and back-propagation done). Labels are I64; 1×1 values are scalars [].
    public static func tensors<T: Real>(_ state: EngineState<T>, engine: Engine<T>) -> [(name: String, tensor: StoredTensor)] {
        let g = engine.graph
        var out: [(String, StoredTensor)] = []
        func stored(_ m: Matrix<T>) -> StoredTensor {
            StoredTensor(dtype: T.dtype, shape: m.shape.isScalar ? [] : [m.rows, m.cols], bytes: m.storage.withUnsafeBytes { Array($0) })
        }
        let labelInputs = Set(g.nodes.filter { $0.op == CrossEntropyOp.name }.map { $0.inputs[1] })
        for (i, n) in g.nodes.enumerated() {
            guard let v = state.values[i] else { continue }
            if labelInputs.contains(n.name) {
                out.append((n.name, StoredTensor(v.storage.map { Int64($0) }, shape: [v.rows])))
            } else {
                out.append((n.name, stored(v)))
            }
        }
        for (i, n) in g.nodes.enumerated() { if let gr = state.grads[i] { out.append(("grad_" + n.name, stored(gr))) } }
        for q in Quantity.allCases where ![.J, .JMLE, .gradW1, .gradW2].contains(q) {
            if let v = q.value(in: state, engine: engine) { out.append((q.asciiName, stored(v))) }
        }
        return out
    }
}
