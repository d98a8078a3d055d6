import BackpropKernels

/// Where an op's products run: a GEMM runner whose worker threads and packing buffers are kept
/// between calls. An executor owns one for its whole run; the engine passes it to every rule.
///
/// Products are split among threads by rows or columns of the result, never along the sum, so
/// every thread count gives the same bits. Not for two callers at once (the buffers are shared).
public final class Kernels<T: Real>: @unchecked Sendable {
    let gemm: ParallelGEMM<T>

    /// One runner with `threads` threads (1: the caller's own).
    public init(threads: Int = 1) {
        gemm = ParallelGEMM(pool: threads > 1 ? WorkerPool(threads: threads) : nil)
    }
    deinit { gemm.pool?.shutdown() }

    /// Where the matrices lie (their storage's first element) that the caller has checked are finite
    /// and will not change while it is set: a product with one of them as B skips its finiteness
    /// pass. `EngineExecutor` sets it to its parameters for one update (W1's pass was ~1.5% of it).
    public var vouchedFinite: Set<UnsafeRawPointer> = []

    /// A matrix that stands for rows of bytes (`EngineExecutor`'s X: the minibatch's images where
    /// the data set keeps them): a product reading it as A, or as Aᵀ, packs the bytes, converted as
    /// `ByteRows` says (the values, hence the bits, of the float matrix), and never its storage; the
    /// caller makes sure that nothing else reads it while this is set.
    public var byteMatrix: (address: UnsafeRawPointer, rows: ByteRows<T>)? = nil

    /// Σx² of matrices by where they lie, made by whoever wrote them and in `Reduce.sumOfSquares`'s
    /// order (its bits), for as long as it is set: `sumsq` of one of them reads it here instead of all
    /// of the matrix again. `EngineExecutor` sets it to its parameters' sums that its last update's
    /// pass made (W1's 800 KB read again cost ~1% of an update).
    public var knownSumsOfSquares: [UnsafeRawPointer: T] = [:]

    /// Threads the products use.
    public var threads: Int { gemm.threads }

    /// `op(a)·op(b)`, a transpose reading the same storage.
    ///
    /// A's exact zeros are left out when B is finite (`GEMM`'s `skipZeroA`: the same bits as the
    /// dense sum, up to the sign of a zero after an underflow); images are half zeros, and a relu's
    /// output often is too. With a non-finite B the dense sum is kept, so that 0·∞ makes its NaN;
    /// with a B of 16 columns or fewer (a classifier's 10) too: packing A and listing its terms then
    /// cost more than the multiply-adds they leave out.
    /// `skipZeroA: false` asks for the dense sum always (`Matrix.matmul`).
    public func matmul(_ a: Matrix<T>, _ b: Matrix<T>, transA: Bool = false, transB: Bool = false,
                       skipZeroA: Bool? = nil) -> Matrix<T> {
        let m = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols
        let k2 = transB ? b.cols : b.rows, n = transB ? b.rows : b.cols
        precondition(k == k2, "matmul: inner dimensions \(k) and \(k2)")
        guard m * n > 0, k > 0 else { return Matrix(rows: m, cols: n) }
        // Aᵀ B of 16 columns or fewer (a classifier's ∇W = H2ᵀ ∇A3) is made as (Bᵀ A)ᵀ, the dense
        // sum: A's many columns then lie along the tiles, where as Aᵀ they were packed panel by
        // panel for tiles with 10 useful columns in 16 (the same products, summed in the same order).
        if transA && !transB && n <= 16 && m > 16 && byteMatrix?.address != a.address {
            let t = matmul(b, a, transA: true, transB: false, skipZeroA: false)
            return Matrix(rows: m, cols: n) { i, j in t[j, i] }
        }
        let skip = skipZeroA ?? (n > 16 && (vouches(b) || b.isFinite))
        // Not zeroed first: a product that does not accumulate writes every entry of C.
        let c = [T](unsafeUninitializedCapacity: m * n) { cp, count in
            a.storage.withUnsafeBufferPointer { ap in
                b.storage.withUnsafeBufferPointer { bp in
                    // A stands for rows of bytes (`byteMatrix`), or is read where it lies.
                    let bytes = byteMatrix.flatMap { $0.address == a.address ? $0.rows : nil }
                    let A: AOperand<T> = bytes.map {
                        .bytes(ByteRows(rows: $0.rows, scale: $0.scale, transposed: transA))
                    } ?? .strided(StridedOperand(rowMajor: ap.baseAddress!, cols: a.cols, transposed: transA))
                    gemm.gemm(m: m, n: n, k: k, a: A, b: bp.baseAddress!, bCols: b.cols, transB: transB,
                              c: cp.baseAddress!, skipZeroA: skip)
                }
            }
            count = m * n
        }
        return Matrix(rows: m, cols: n, c)
    }

    /// Whether `m` lies where `vouchedFinite` says a checked matrix does.
    func vouches(_ m: Matrix<T>) -> Bool {
        !vouchedFinite.isEmpty && m.address.map { vouchedFinite.contains($0) } == true
    }
}
