import Synchronization

/// Runs GEMM over a worker pool, splitting C's rows or columns (never k) into one block per thread.
public final class ParallelGEMM<T: KernelScalar>: @unchecked Sendable {
    public let pool: WorkerPool?
    private let workspaces: [GEMMWorkspace]
    private let claims: [BlockClaims]
    /// Blocks of rows that `.balancedColumns` moved to another thread in the last product (the tests check it).
    public private(set) var lastMoved = 0
    /// Rows in a block that `.balancedColumns` can move: GEMM's `mc`, the rows whose A is packed at once.
    static var rowBlock: Int { GEMM<SIMD16<T>>.mc }
    /// Runs on thread t before it starts its share of a `.balancedColumns` product: tests hold a
    /// thread back with it, so that another takes its blocks.
    var beforeShare: ((Int) -> Void)? = nil
    /// Runs on thread t once it has claimed all it can of a `.balancedColumns` product: a test's
    /// handshake releases the held thread here, so what moves depends on no thread's speed.
    var afterShare: ((Int) -> Void)? = nil

    public init(pool: WorkerPool?) {
        self.pool = pool
        workspaces = (0..<(pool?.count ?? 1)).map { _ in GEMMWorkspace() }
        claims = (0..<(pool?.count ?? 1)).map { _ in BlockClaims() }
    }

    /// Threads this runner uses.
    public var threads: Int { pool?.count ?? 1 }

    /// How C is divided among threads. Never along k, so every split gives the same bits; the
    /// choice only decides which core's cache the data end up in.
    /// - `balancedColumns`: columns as `.columns`, each thread's share in blocks of `rowBlock` rows,
    ///   and a thread that has finished its share takes the blocks that another has not started,
    ///   from the last one. This host sometimes runs one core far slower than the other for
    ///   minutes; a fixed split then waits for the slow core.
    public enum Split: Sendable { case automatic, rows, columns, balancedColumns }

    /// Thread t's share of `extent` rows or columns, in whole register tiles (`unit`).
    public static func block(_ t: Int, of threads: Int, extent: Int, unit: Int) -> Range<Int> {
        let units = (extent + unit - 1) / unit
        return min(extent, (units * t / threads) * unit)..<min(extent, (units * (t + 1) / threads) * unit)
    }

    /// `C = [C +] op(A)·op(B)`, with A, B and C row-major holding `aCols`/`bCols`/`cCols` stored
    /// columns (C's default: n; an epilogue's other matrix, such as relu's mask, is laid out as C).
    /// `skipZeroA` leaves out A's exact zeros: the same bits when B is finite (see `GEMM`).
    ///
    /// Shifts, for matrices whose threads' blocks lie apart in storage (`FusedTrainer` leaves a
    /// cache line between them): with a column split, thread block t's columns of B lie
    /// t·`bShift` elements further, and those of C and of the epilogue's matrices t·`cShift`
    /// further (not the block sums of squares, which stay in logical columns); with a row split,
    /// block t's rows of A lie t·`aShift` further, and the row blocks are then whole register tiles
    /// of columns (`block(_:of:extent:unit:)` with `tileColumns`), so that they are the blocks of
    /// the matrix that A reads transposed. Shifts need an explicit split.
    public func gemm(m: Int, n: Int, k: Int,
                     a: UnsafePointer<T>, aCols: Int, transA: Bool,
                     b: UnsafePointer<T>, bCols: Int, transB: Bool,
                     c: UnsafeMutablePointer<T>, cCols: Int? = nil, accumulate: Bool = false,
                     epilogue: GEMMEpilogue<T> = .none, skipZeroA: Bool = false, split: Split = .automatic,
                     aShift: Int = 0, bShift: Int = 0, cShift: Int = 0) {
        gemm(m: m, n: n, k: k, a: .strided(StridedOperand(rowMajor: a, cols: aCols, transposed: transA)), b: b,
             bCols: bCols, transB: transB,
             c: c, cCols: cCols, accumulate: accumulate, epilogue: epilogue, skipZeroA: skipZeroA, split: split,
             aShift: aShift, bShift: bShift, cShift: cShift)
    }

    /// Rows `rows` of `C = op(A)·op(B)` on thread t's workspace: for a caller inside its own
    /// `pool.run` that does more with its rows before the threads meet (U2 = H W2 and its softmax).
    public func gemm(thread t: Int, rows: Range<Int>, m: Int, n: Int, k: Int,
                     a: UnsafePointer<T>, aCols: Int, transA: Bool,
                     b: UnsafePointer<T>, bCols: Int, transB: Bool, c: UnsafeMutablePointer<T>,
                     accumulate: Bool = false) {
        T.gemmBlock(m: m, n: n, k: k, a: .strided(StridedOperand(rowMajor: a, cols: aCols, transposed: transA)),
                    b: StridedOperand(rowMajor: b, cols: bCols,
                                      transposed: transB), c: c, ldc: n, accumulate: accumulate,
                    epilogue: .none, skipZeroA: false, rows: rows, cols: 0..<n, workspace: workspaces[t])
    }

    /// The same with any A operand, such as rows of bytes converted as they are packed (`aShift`
    /// needs a strided A).
    public func gemm(m: Int, n: Int, k: Int, a A: AOperand<T>,
                     b: UnsafePointer<T>, bCols: Int, transB: Bool,
                     c: UnsafeMutablePointer<T>, cCols: Int? = nil, accumulate: Bool = false,
                     epilogue: GEMMEpilogue<T> = .none, skipZeroA: Bool = false, split: Split = .automatic,
                     aShift: Int = 0, bShift: Int = 0, cShift: Int = 0) {
        precondition(split != .automatic || (aShift == 0 && bShift == 0 && cShift == 0),
                     "shifts need an explicit split")
        let B = StridedOperand(rowMajor: b, cols: bCols, transposed: transB)
        let ldc = cCols ?? n
        let threads = self.threads
        // Thread block t's operands (block 0's are the arguments themselves).
        func bOf(_ t: Int) -> StridedOperand<T> {
            StridedOperand(B.base + t * bShift, rowStride: B.rowStride, colStride: B.colStride)
        }
        func aOf(_ t: Int) -> AOperand<T> {
            if aShift == 0 || t == 0 { return A }
            guard case .strided(let s) = A else { preconditionFailure("aShift needs a strided A") }
            return .strided(StridedOperand(s.base + t * aShift, rowStride: s.rowStride, colStride: s.colStride))
        }
        // Small products are not worth a hand-off.
        if threads == 1 || (split == .automatic && m * n * k < 1 << 18) {
            T.gemmBlock(m: m, n: n, k: k, a: A, b: B, c: c, ldc: ldc, accumulate: accumulate,
                        epilogue: epilogue, skipZeroA: skipZeroA, rows: 0..<m, cols: 0..<n, workspace: workspaces[0])
            return
        }
        let splitRows = split == .rows || (split == .automatic && m >= n)
        let ws = workspaces
        if split == .balancedColumns {
            let rb = Self.rowBlock, blocks = (m + rb - 1) / rb
            for c in claims { c.reset(blocks) }
            let claims = self.claims
            let moved = Atomic<Int>(0)
            let (hold, release) = (beforeShare, afterShare)
            pool!.run { t in
                hold?(t)
                func compute(_ block: Int, of owner: Int) {
                    T.gemmBlock(m: m, n: n, k: k, a: A, b: bOf(owner), c: c + owner * cShift, ldc: ldc,
                                accumulate: accumulate,
                                epilogue: epilogue.shifted(by: owner * cShift), skipZeroA: skipZeroA,
                                rows: (block * rb)..<min(m, (block + 1) * rb),
                                cols: Self.block(owner, of: threads, extent: n, unit: T.tileColumns), workspace: ws[t])
                }
                while let b = claims[t].takeFirst() { compute(b, of: t) }
                for other in 1..<threads {
                    let owner = (t + other) % threads
                    while let b = claims[owner].takeLast() { compute(b, of: owner); moved.add(1, ordering: .relaxed) }
                }
                release?(t)
            }
            lastMoved = moved.load(ordering: .relaxed)
            return
        }
        pool!.run { t in
            // Blocks are whole register tiles so no thread gets a sliver.
            let r = Self.block(t, of: threads, extent: splitRows ? m : n,
                               unit: splitRows && aShift == 0 ? 8 : T.tileColumns)
            if splitRows {
                T.gemmBlock(m: m, n: n, k: k, a: aOf(t), b: B, c: c, ldc: ldc, accumulate: accumulate,
                            epilogue: epilogue, skipZeroA: skipZeroA,
                            rows: r, cols: 0..<n, workspace: ws[t])
            } else {
                T.gemmBlock(m: m, n: n, k: k, a: A, b: bOf(t), c: c + t * cShift, ldc: ldc, accumulate: accumulate,
                            epilogue: epilogue.shifted(by: t * cShift), skipZeroA: skipZeroA, rows: 0..<m, cols: r,
                            workspace: ws[t])
            }
        }
    }
}
