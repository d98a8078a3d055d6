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

    /// `C = [C +] op(A)·op(B)`, with A and B row-major holding `aCols`/`bCols` stored columns.
    public func gemm(m: Int, n: Int, k: Int,
                     a: UnsafePointer<T>, aCols: Int, transA: Bool,
                     b: UnsafePointer<T>, bCols: Int, transB: Bool,
                     c: UnsafeMutablePointer<T>, accumulate: Bool = false,
                     epilogue: GEMMEpilogue<T> = .none) {
        let A = StridedOperand(rowMajor: a, cols: aCols, transposed: transA)
        let B = StridedOperand(rowMajor: b, cols: bCols, transposed: transB)
        let threads = self.threads
        // Small products are not worth a hand-off.
        if threads == 1 || m * n * k < 1 << 18 {
            T.gemmBlock(m: m, n: n, k: k, a: A, b: B, c: c, ldc: n, accumulate: accumulate,
                        epilogue: epilogue, rows: 0..<m, cols: 0..<n, workspace: workspaces[0])
            return
        }
        let splitRows = m >= n
        let extent = splitRows ? m : n
        let unit = splitRows ? 8 : T.tileColumns
        let ws = workspaces
        pool!.run { t in
            // Blocks are whole register tiles so no thread gets a sliver.
            let units = (extent + unit - 1) / unit
            let lo = min(extent, (units * t / threads) * unit)
            let hi = min(extent, (units * (t + 1) / threads) * unit)
            T.gemmBlock(m: m, n: n, k: k, a: A, b: B, c: c, ldc: n, accumulate: accumulate, epilogue: epilogue,
                        rows: splitRows ? lo..<hi : 0..<m, cols: splitRows ? 0..<n : lo..<hi, workspace: ws[t])
        }
    }
}
