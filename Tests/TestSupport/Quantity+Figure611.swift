import BackpropCore

/// Figure 6.11's named quantities as the tests write them (`Quantity.G`), from the annotations of
/// its graph text, and its two scalar nodes.
extension Quantity {
    static func figure611(_ name: String) -> Quantity { Figure611.graph.quantity(named: name)! }
    public static var G: Quantity { figure611("G") }
    public static var GPrime: Quantity { figure611("G_prime") }
    public static var HTG: Quantity { figure611("HT_G") }
    public static var GW2T: Quantity { figure611("G_W2T") }
    public static var XTGPrime: Quantity { figure611("XT_Gprime") }
    public static var decayW1: Quantity { figure611("decay_W1") }
    public static var decayW2: Quantity { figure611("decay_W2") }
    public static var gradW1: Quantity { figure611("grad_W1") }
    public static var gradW2: Quantity { figure611("grad_W2") }
    public static var JMLE: Quantity { Quantity("J_MLE", source: .value("J_MLE")) }
    public static var J: Quantity { Quantity("J", source: .value("J")) }
    /// The nine annotated quantities and the two scalars.
    public static var allCases: [Quantity] { Figure611.graph.quantities + [JMLE, J] }
}
