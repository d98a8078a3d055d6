#if canImport(Glibc)
import Glibc
#endif

/// numpy's 256-layer ziggurat for the standard normal, tables computed here rather than copied.
///
/// Layer i (1…255) has right edge xᵢ, with x₂₅₅ = r and every layer of area v; the base layer's
/// virtual width is x₀ = v / f(r), f(x) = exp(−x²/2). Then kᵢ = round(2⁵² xᵢ₋₁/xᵢ) (k₁ = 0,
/// k₀ = round(2⁵² r/x₀)), wᵢ = xᵢ 2⁻⁵², fᵢ = f(xᵢ) and f₀ = 1. The recurrence in Double reproduces
/// numpy's 768 entries exactly with one exception, kept below: numpy's f(x₃₈) is one ulp above the
/// correctly rounded exp, whose true value lies almost halfway between the two Doubles (a near
/// tie its generator rounded up). The tests compare our normals with numpy's own.
struct Ziggurat: Sendable {
    static let r = 3.6541528853610087963519472518
    static let v = 0.0049286732339746519
    let k: [UInt64], w: [Double], f: [Double]

    static let normal = Ziggurat()

    init() {
        func f(_ x: Double, _ i: Int) -> Double {
            let y = exp(-0.5 * x * x)
            return i == 38 ? y.nextUp : y
        }
        var x = [Double](repeating: 0, count: 256)
        x[255] = Self.r
        for i in stride(from: 255, to: 1, by: -1) { x[i - 1] = (-2 * log(Self.v / x[i] + f(x[i], i))).squareRoot() }
        x[0] = Self.v / exp(-0.5 * Self.r * Self.r)
        k = (0..<256).map { i in
            switch i {
            case 0: UInt64((0x1p52 * Self.r / x[0]).rounded())
            case 1: 0
            default: UInt64((x[i - 1] / x[i] * 0x1p52).rounded())
            }
        }
        w = x.map { $0 * 0x1p-52 }
        self.f = (0..<256).map { i in i == 0 ? 1 : f(x[i], i) }
    }
}

extension NumpyGenerator {
    /// A standard normal draw (numpy's `random_standard_normal`).
    public mutating func standardNormal() -> Double {
        let z = Ziggurat.normal
        while true {
            var bits = next64()
            let i = Int(bits & 0xFF)
            bits >>= 8
            let negative = bits & 1 == 1
            let rabs = (bits >> 1) & 0x000F_FFFF_FFFF_FFFF
            var x = Double(rabs) * z.w[i]
            if negative { x = -x }
            if rabs < z.k[i] { return x }
            if i == 0 {
                // The tail beyond r, by Marsaglia's exponential method.
                while true {
                    let xx = -(1 / Ziggurat.r) * log1p(-nextDouble())
                    let yy = -log1p(-nextDouble())
                    if yy + yy > xx * xx { return (rabs >> 8) & 1 == 1 ? -(Ziggurat.r + xx) : Ziggurat.r + xx }
                }
            } else if (z.f[i - 1] - z.f[i]) * nextDouble() + z.f[i] < exp(-0.5 * x * x) {
                return x
            }
        }
    }

    /// Uniform in [low, high) (numpy's `uniform`: low + (high − low) · u).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * nextDouble() }
}
