import Foundation

/// The health of one tensor, as a debugger shows it: how many entries are negative, zero,
/// positive, NaN and ±Inf; the min, max and norm of the finite ones; for a relu's output, the
/// share of dead units (columns that are zero in every row of the minibatch).
public struct TensorHealth: Equatable, Sendable {
    public var count = 0
    public var negative = 0, zero = 0, positive = 0
    public var nan = 0, posInf = 0, negInf = 0
    /// Over the finite entries (nil when there are none).
    public var min: Double?, max: Double?
    /// √Σx² over all entries, in Double: NaN when an entry is NaN, +Inf when one is infinite.
    public var norm: Double
    /// Σx / count, in Double (NaN or ±Inf as the entries make it).
    public var mean: Double
    /// Dead units / units, for a relu's output (nil otherwise).
    public var dead: Double?
    public var deadUnits: Int?
    /// Units (columns) of a relu's output.
    public var units: Int?

    /// Counts and statistics of `m`; `relu`: also its dead units.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public init<T: Real>(_ m: Matrix<T>, relu: Bool = false) {
        count = m.count
        var lo = Double.infinity, hi = -Double.infinity
        for x in m.storage {
            let v = Double(x)
            if v.isNaN { nan += 1 } else if v == .infinity { posInf += 1 } else if v == -.infinity {
                negInf += 1
            } else {
                if v < 0 { negative += 1 } else if v > 0 { positive += 1 } else { zero += 1 }
                lo = Swift.min(lo, v); hi = Swift.max(hi, v)
            }
        }
        norm = Self.sumOfSquares(m).squareRoot()
        mean = count > 0 ? Self.sum(m) / Double(count) : 0
        if lo <= hi { min = lo; max = hi }
        if relu && m.rows > 0 {
            var d = 0
            for j in 0..<m.cols where (0..<m.rows).allSatisfy({ m[$0, j] == 0 }) { d += 1 }
            deadUnits = d; units = m.cols
            dead = m.cols > 0 ? Double(d) / Double(m.cols) : 0
        }
    }

    /// Σx² in Double, in 32 running sums (a fixed order: the same bits every time; four vectors of
    /// sums, so that the adds do not wait on each other: a probe reads a gradient every update).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func sumOfSquares<T: Real>(_ m: Matrix<T>) -> Double { sums(m, squared: true) }

    /// Σx in Double, in the same order as `sumOfSquares`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func sum<T: Real>(_ m: Matrix<T>) -> Double { sums(m, squared: false) }

    @inline(__always)
    static func sums<T: Real>(_ m: Matrix<T>, squared: Bool) -> Double {
        m.storage.withUnsafeBufferPointer { p in
            var a0 = SIMD8<Double>(), a1 = SIMD8<Double>(), a2 = SIMD8<Double>(), a3 = SIMD8<Double>()
            let n = p.count, whole = n - n % 32
            @inline(__always) func lanes(_ at: Int) -> SIMD8<Double> {
                var v = SIMD8<Double>()
                for l in 0..<8 { v[l] = Double(p[at + l]) }
                return squared ? v * v : v
            }
            var i = 0
            while i < whole {
                a0 += lanes(i); a1 += lanes(i + 8); a2 += lanes(i + 16); a3 += lanes(i + 24)
                i += 32
            }
            var total = ((a0 + a1) + (a2 + a3)).sum()
            while i < n { let x = Double(p[i]); total += squared ? x * x : x; i += 1 }
            return total
        }
    }

    /// The smallest and largest finite entries, and whether all entries are finite.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func range<T: Real>(_ m: Matrix<T>) -> (min: Double, max: Double)? {
        var lo = T.infinity, hi = -T.infinity
        for x in m.storage where x.isFinite { lo = Swift.min(lo, x); hi = Swift.max(hi, x) }
        return lo <= hi ? (Double(lo), Double(hi)) : nil
    }

    /// Whether every entry is finite.
    public var isFinite: Bool { nan == 0 && posInf == 0 && negInf == 0 }
    /// The largest |x| over the finite entries.
    public var absmax: Double? { min.flatMap { lo in max.map { Swift.max(-lo, $0) } } }

    /// The compact pill a graph node carries: `✓ ‖·‖ 1.2` or `✗ 3 NaN`, and `dead 2/8` for a relu.
    public var pill: String {
        var s: String
        if isFinite { s = "‖\(Self.short(norm))‖" } else {
            var bad: [String] = []
            if nan > 0 { bad.append("\(nan) NaN") }
            if posInf + negInf > 0 { bad.append("\(posInf + negInf) Inf") }
            s = "✗ " + bad.joined(separator: " ")
        }
        if let d = deadUnits, dead != nil, d > 0 { s += " dead \(d)" }
        return s
    }

    /// The full account the inspector shows, on one line.
    public var summary: String {
        var parts = ["−\(negative) 0:\(zero) +\(positive)"]
        if !isFinite { parts.append("NaN \(nan) +Inf \(posInf) −Inf \(negInf)") }
        parts.append("min \(min.map(Self.short) ?? "–") max \(max.map(Self.short) ?? "–") norm \(Self.short(norm))")
        if let d = deadUnits, let u = units { parts.append("dead \(d)/\(u) units") }
        return parts.joined(separator: "  ")
    }

    /// A number in 4 significant digits (`1.234`, `1.2e+05`, `NaN`).
    static func short(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "Inf" : "−Inf" }
        return String(format: "%.4g", v)
    }
}
