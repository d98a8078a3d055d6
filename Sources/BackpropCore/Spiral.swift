/// The embedded default data set: interleaved spirals, generated deterministically in code.
///
/// Features are (x, y, 1): the constant stands in for the bias the book's model does not have.
public enum Spiral {
    public static let defaultClasses = 3
    public static let defaultPerClass = 200

    /// `classes × perClass` points; row-major features (d = 3) and labels, noise from `seed`.
    public static func generate(classes: Int = defaultClasses, perClass: Int = defaultPerClass,
                                seed: UInt64 = 0) -> (features: [Float], labels: [UInt8], d: Int) {
        var rng = SeededGenerator(seed: 0x5EED_5EED ^ seed)
        var xs: [Float] = [], ys: [UInt8] = []
        for c in 0..<classes {
            for i in 0..<perClass {
                let r = Double(i) / Double(perClass)                   // radius 0…1
                let t = Double(c) * 4 + 4 * r + rng.nextNormal() * 0.2  // angle, as in CS231n's spiral
                xs += [Float(r * _sin(t)), Float(r * _cos(t)), 1]
                ys.append(UInt8(c))
            }
        }
        return (xs, ys, 3)
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _sin(_ x: Double) -> Double { Glibc.sin(x) }
#endif
