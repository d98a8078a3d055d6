/// A floating-point type the kernels are specialised for (Float for training, Double for checking).
public protocol KernelScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
    /// Computes the given rows and columns of `C = [C +] op(A)·op(B)` on the calling thread
    /// (`skipZeroA`: leave out A's exact zeros, see `GEMM`).
    static func gemmBlock(m: Int, n: Int, k: Int, a: AOperand<Self>, b: StridedOperand<Self>,
                          c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool, epilogue: GEMMEpilogue<Self>,
                          skipZeroA: Bool,
                          rows: Range<Int>, cols: Range<Int>, workspace: GEMMWorkspace)
    /// Columns in one register tile of C; thread splits are multiples of it.
    static var tileColumns: Int { get }
}

extension Float: KernelScalar {
    public static var tileColumns: Int { 32 }
    public static func gemmBlock(m: Int, n: Int, k: Int, a: AOperand<Float>, b: StridedOperand<Float>,
                                 c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                                 epilogue: GEMMEpilogue<Float>, skipZeroA: Bool,
                                 rows: Range<Int>, cols: Range<Int>, workspace: GEMMWorkspace) {
        GEMM<SIMD16<Float>>.run(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate,
                                epilogue: epilogue, skipZeroA: skipZeroA, rows: rows, cols: cols, workspace: workspace)
    }
}

extension Double: KernelScalar {
    public static var tileColumns: Int { 16 }
    public static func gemmBlock(m: Int, n: Int, k: Int, a: AOperand<Double>, b: StridedOperand<Double>,
                                 c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool,
                                 epilogue: GEMMEpilogue<Double>, skipZeroA: Bool,
                                 rows: Range<Int>, cols: Range<Int>, workspace: GEMMWorkspace) {
        GEMM<SIMD8<Double>>.run(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate,
                                epilogue: epilogue, skipZeroA: skipZeroA, rows: rows, cols: cols, workspace: workspace)
    }
}
