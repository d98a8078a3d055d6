/// Everything back-propagation has computed so far. A value: stepping back restores an older one.
public struct EngineState<T: Real>: Sendable {
    /// Steps done: forward nodes first, then backward steps.
    public var position: Int
    /// Node values by node index (nil until computed).
    public var values: [Matrix<T>?]
    /// ∂J/∂node by node index, accumulated as contributions arrive (nil until the first).
    public var grads: [Matrix<T>?]
    /// The backward steps taken, in order.
    public var steps: [BackwardStep<T>]

    /// Bit-for-bit equality of everything the state holds.
    public func bitwiseEqual(_ o: EngineState) -> Bool {
        func same(_ a: [Matrix<T>?], _ b: [Matrix<T>?]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { x, y in
                switch (x, y) { case (nil, nil): true; case let (p?, q?): p.bitwiseEqual(q); default: false }
            }
        }
        return position == o.position && same(values, o.values) && same(grads, o.grads) && steps.count == o.steps.count
            && zip(steps, o.steps).allSatisfy { s, t in
                s.node == t.node && s.rule == t.rule && s.incoming.bitwiseEqual(t.incoming)
                    && s.contributions.count == t.contributions.count
                    && zip(s.contributions, t.contributions).allSatisfy {
                        $0.input == $1.input && $0.formula == $1.formula && $0.value.bitwiseEqual($1.value)
                    }
            }
    }
}
