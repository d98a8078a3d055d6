/// Runs GEMM over a worker pool, splitting C's rows or columns (never k) into one block per thread.
public final class ParallelGEMM<T: KernelScalar>: @unchecked Sendable {
    public let pool: WorkerPool?
    private let workspaces: [GEMMWorkspace]

    public init(pool: WorkerPool?) {
        self.pool = pool
        workspaces = (0..<(pool?.count ?? 1)).map { _ in GEMMWorkspace() }
    }

    /// Threads this runner uses.
    public var threads: Int { pool?.count ?? 1 }

    /// How C is divided among threads. Never along k, so every split gives the same bits; the
    /// choice only decides which core's cache the data end up in.
    public enum Split: Sendable { case automatic, rows, columns }

    /// Thread t's share of `extent` rows or columns, in whole register tiles.
    public static func block(_ t: Int, of threads: Int, extent: Int, unit: Int) -> Range<Int> {
        let units = (extent + unit - 1) / unit
        return min(extent, (units * t / threads) * unit)..<min(extent, (units * (t + 1) / threads) * unit)
    }

    /// `C = [C +] op(A)·op(B)`, with A and B row-major holding `aCols`/`bCols` stored columns.
    /// `skipZeroA` leaves out A's exact zeros: the same bits when B is finite (see `GEMM`).
    public func gemm(m: Int, n: Int, k: Int,
                     a: UnsafePointer<T>, aCols: Int, transA: Bool,
                     b: UnsafePointer<T>, bCols: Int, transB: Bool,
                     c: UnsafeMutablePointer<T>, accumulate: Bool = false,
                     epilogue: GEMMEpilogue<T> = .none, skipZeroA: Bool = false, split: Split = .automatic) {
        gemm(m: m, n: n, k: k, a: .strided(StridedOperand(rowMajor: a, cols: aCols, transposed: transA)), b: b, bCols: bCols, transB: transB,
             c: c, accumulate: accumulate, epilogue: epilogue, skipZeroA: skipZeroA, split: split)
    }

    /// The same with any A operand, such as rows of bytes converted as they are packed.
    public func gemm(m: Int, n: Int, k: Int, a A: AOperand<T>,
                     b: UnsafePointer<T>, bCols: Int, transB: Bool,
                     c: UnsafeMutablePointer<T>, accumulate: Bool = false,
                     epilogue: GEMMEpilogue<T> = .none, skipZeroA: Bool = false, split: Split = .automatic) {
        let B = StridedOperand(rowMajor: b, cols: bCols, transposed: transB)
        let threads = self.threads
        // Small products are not worth a hand-off.
        if threads == 1 || (split == .automatic && m * n * k < 1 << 18) {
            T.gemmBlock(m: m, n: n, k: k, a: A, b: B, c: c, ldc: n, accumulate: accumulate,
                        epilogue: epilogue, skipZeroA: skipZeroA, rows: 0..<m, cols: 0..<n, workspace: workspaces[0])
            return
        }
        let splitRows = split == .rows || (split == .automatic && m >= n)
        let ws = workspaces
        pool!.run { t in
            // Blocks are whole register tiles so no thread gets a sliver.
            let r = Self.block(t, of: threads, extent: splitRows ? m : n, unit: splitRows ? 8 : T.tileColumns)
            T.gemmBlock(m: m, n: n, k: k, a: A, b: B, c: c, ldc: n, accumulate: accumulate, epilogue: epilogue, skipZeroA: skipZeroA,
                        rows: splitRows ? r : 0..<m, cols: splitRows ? 0..<n : r, workspace: ws[t])
        }
    }
}
