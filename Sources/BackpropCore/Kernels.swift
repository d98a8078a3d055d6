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

    /// Threads the products use.
    public var threads: Int { gemm.threads }

    /// Runs `body(t, n)` on each of the n threads at once (t = 0 on the caller's).
    func parallel(_ body: (Int, Int) -> Void) {
        guard let pool = gemm.pool, gemm.threads > 1 else { body(0, 1); return }
        let n = gemm.threads
        pool.run { t in body(t, n) }
    }

    /// Whether every entry of `ms` is finite, the entries shared among the threads (a probe's
    /// `nonfinite` reads every tensor of an update; on one thread that pass would not shrink as the
    /// products do with two).
    public func allFinite(_ ms: [Matrix<T>]) -> Bool {
        let total = ms.reduce(0) { $0 + $1.count }
        guard threads > 1, total >= 1 << 16 else { return ms.allSatisfy(\.isFinite) }
        var ok = [Bool](repeating: true, count: threads)
        ok.withUnsafeMutableBufferPointer { out in
            parallel { t, n in
                let lo = total * t / n, hi = total * (t + 1) / n
                var start = 0
                for m in ms {
                    let a = Swift.max(lo, start), b = Swift.min(hi, start + m.count)
                    if a < b {
                        let fine = m.storage.withUnsafeBufferPointer { T.allFinite($0.baseAddress! + (a - start), b - a) }
                        if !fine { out[t] = false; return }
                    }
                    start += m.count
                    if start >= hi { break }
                }
            }
        }
        return !ok.contains(false)
    }

    /// `op(a)·op(b)`, a transpose reading the same storage.
    ///
    /// A's exact zeros are left out when B is finite (`GEMM`'s `skipZeroA`: the same bits as the
    /// dense sum, up to the sign of a zero after an underflow); images are half zeros, and a relu's
    /// output often is too. With a non-finite B the dense sum is kept, so that 0·∞ makes its NaN.
    /// `skipZeroA: false` asks for the dense sum always (`Matrix.matmul`).
    public func matmul(_ a: Matrix<T>, _ b: Matrix<T>, transA: Bool = false, transB: Bool = false,
                       skipZeroA: Bool? = nil) -> Matrix<T> {
        let m = transA ? a.cols : a.rows, k = transA ? a.rows : a.cols
        let k2 = transB ? b.cols : b.rows, n = transB ? b.rows : b.cols
        precondition(k == k2, "matmul: inner dimensions \(k) and \(k2)")
        guard m * n > 0, k > 0 else { return Matrix(rows: m, cols: n) }
        let skip = skipZeroA ?? b.isFinite
        // Not zeroed first: a product that does not accumulate writes every entry of C.
        let c = [T](unsafeUninitializedCapacity: m * n) { cp, count in
            a.storage.withUnsafeBufferPointer { ap in
                b.storage.withUnsafeBufferPointer { bp in
                    gemm.gemm(m: m, n: n, k: k, a: ap.baseAddress!, aCols: a.cols, transA: transA,
                              b: bp.baseAddress!, bCols: b.cols, transB: transB, c: cp.baseAddress!, skipZeroA: skip)
                }
            }
            count = m * n
        }
        return Matrix(rows: m, cols: n, c)
    }
}
