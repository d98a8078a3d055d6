import BackpropCore

/// Every forward value and gradient of one engine run, as safetensors tensors named as in Figure 6.11.
public enum Trace {
    /// `state` must be complete (forward and back-propagation done). Labels are I64; 1×1 values are scalars [].
    ///
    /// `rows`: when the run's minibatch was arranged for speed (`MinibatchOrder`), row r of the
    /// trace is row `rows[r]` of the run, so that every tensor whose rows are the minibatch's
    /// (`Engine.batchRows`: X, y, U1, H, U2, G, G', G W2ᵀ and their gradients) is in the order the
    /// user's data gave. Tensors summed over the rows keep the run's values.
    public static func tensors<T: Real>(_ state: EngineState<T>, engine: Engine<T>,
                                        rows: [Int]? = nil) -> [(name: String, tensor: StoredTensor)] {
        let g = engine.graph
        var out: [(String, StoredTensor)] = []
        func ordered(_ m: Matrix<T>, _ node: Int) -> Matrix<T> {
            guard let rows, engine.batchRows[node], m.rows == rows.count else { return m }
            return Matrix(rows: m.rows, cols: m.cols) { i, j in m[rows[i], j] }
        }
        func stored(_ m: Matrix<T>, _ node: Int) -> StoredTensor {
            let m = ordered(m, node)
            return StoredTensor(dtype: T.dtype, shape: m.shape.isScalar ? [] : [m.rows, m.cols],
                                bytes: m.storage.withUnsafeBytes { Array($0) })
        }
        let labelInputs = Set(g.nodes.filter { $0.op == CrossEntropyOp.name }.map { $0.inputs[1] })
        for (i, n) in g.nodes.enumerated() {
            guard let v = state.values[i] else { continue }
            if labelInputs.contains(n.name) {
                out.append((n.name, StoredTensor(ordered(v, i).storage.map { Int64($0) }, shape: [v.rows])))
            } else {
                out.append((n.name, stored(v, i)))
            }
        }
        for (i, n) in g.nodes.enumerated() {
            if let gr = state.grads[i] { out.append(("grad_" + n.name, stored(gr, i))) }
        }
        // The graph's named quantities, but for those already written under their node's name
        // (a value, a parameter's whole gradient grad_NAME).
        for q in g.quantities {
            switch q.source {
            case .value: continue
            case .grad(let n) where g[n]?.leaf != nil: continue
            default: break
            }
            // A quantity has the layout of the node it is a value or a gradient of.
            let node = q.node
            if let v = q.value(in: state, engine: engine), let id = g.id(node) {
                out.append((q.asciiName, stored(v, id)))
            }
        }
        return out
    }
}
