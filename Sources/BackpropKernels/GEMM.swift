/// A strided read-only view of a matrix operand: element (i, p) is at `base[i*rowStride + p*colStride]`.
///
/// A transpose is the same storage with the strides swapped, so transposed products never copy.
public struct StridedOperand<T>: @unchecked Sendable {
    public var base: UnsafePointer<T>
    public var rowStride: Int
    public var colStride: Int
    @inlinable public init(_ base: UnsafePointer<T>, rowStride: Int, colStride: Int) {
        self.base = base; self.rowStride = rowStride; self.colStride = colStride
    }
    /// Row-major `rows × cols` storage, optionally read transposed.
    @inlinable public init(rowMajor base: UnsafePointer<T>, cols: Int, transposed: Bool) {
        self.base = base
        if transposed { rowStride = 1; colStride = cols } else { rowStride = cols; colStride = 1 }
    }
}

/// What happens to each element of C when its last k-block is stored.
public enum GEMMEpilogue<T>: @unchecked Sendable {
    case none
    /// Also write `relu(C)` to `out` (same leading dimension as C): fuses `H = relu(U1)`.
    case reluCopy(out: UnsafeMutablePointer<T>)
    /// Zero C where `mask ≤ 0` (same leading dimension as C): fuses `G' = (G W2ᵀ) ⊙ [U1 > 0]`.
    case reluMask(by: UnsafePointer<T>)
    /// C is a data gradient ∂J/∂W (same shape and leading dimension as W): apply the SGD step
    /// `W ← W − ε (C + (2W)·λ)` tile by tile while the tile is hot, so C never has to be stored.
    /// `nonFinite[tile]` is set to 1 for a tile whose gradient held NaN or ±Inf; tiles are numbered
    /// (row / 8) · ⌈n / tileColumns⌉ + column / tileColumns, and each belongs to one thread.
    case sgd(w: UnsafeMutablePointer<T>, lambda: T, lr: T, nonFinite: UnsafeMutablePointer<UInt8>)

    var isSGD: Bool { if case .sgd = self { return true }; return false }
}

/// Packed, register-blocked GEMM: `C (m×n) = [C +] A (m×k) · B (k×n)`.
///
/// Every element of C is accumulated with fused multiply-adds in the order p = 0, 1, …, k−1,
/// whatever the tile, the edge handling or the thread that computes it. That is what makes
/// results bit-identical for every thread count: threads split rows or columns of C, never k.
enum GEMM<V: SIMD> where V.Scalar: BinaryFloatingPoint {
    typealias T = V.Scalar
    static var mr: Int { 8 }
    static var nr: Int { 2 * V.scalarCount }
    static var kc: Int { 256 }
    static var mc: Int { 128 }

    /// Depth of the k-blocks: k split evenly into blocks of at most `kc`, so there is no thin tail
    /// (784 = 4 × 196, not 3 × 256 + 16). A function of k alone, so every thread blocks alike.
    static func blockDepth(_ k: Int) -> Int {
        let blocks = (k + kc - 1) / kc
        return (k + blocks - 1) / blocks
    }


    /// Computes rows `rows` and columns `cols` of C; the caller splits C among threads.
    static func run(m: Int, n: Int, k: Int,
                           a: StridedOperand<T>, b: StridedOperand<T>,
                           c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool,
                           epilogue: GEMMEpilogue<T> = .none,
                           rows: Range<Int>, cols: Range<Int>, workspace: GEMMWorkspace) {
        if rows.isEmpty || cols.isEmpty { return }
        if k == 0 {
            for i in rows { for j in cols where !accumulate { c[i * ldc + j] = 0 } }
            applyEpilogue(epilogue, c: c, ldc: ldc, rows: rows, cols: cols)
            return
        }
        let nb = cols.count
        let (aPack, bPack, tile) = workspace.buffers(T.self, n: nb)
        let depth = blockDepth(k)
        var pc = 0
        while pc < k {
            let kb = min(depth, k - pc)
            let acc = accumulate || pc > 0
            let last = pc + kb == k
            packB(b, k0: pc, kb: kb, cols: cols, into: bPack)
            var ic = rows.lowerBound
            while ic < rows.upperBound {
                let mb = min(mc, rows.upperBound - ic)
                packA(a, k0: pc, kb: kb, rows: ic..<(ic + mb), into: aPack)
                var jr = 0
                while jr < nb {
                    let nw = min(nr, nb - jr)
                    let bp = UnsafePointer(bPack + jr * kb)
                    var ir = 0
                    while ir < mb {
                        let mw = min(mr, mb - ir)
                        let ap = UnsafePointer(aPack + ir * kb)
                        let cp = c + (ic + ir) * ldc + cols.lowerBound + jr
                        if last && pc == 0 && epilogue.isSGD {
                            // One k-block: the whole gradient tile is made here; update W from it, skip storing C.
                            let t = tile
                            micro(kb, ap, bp, t, nr, false)
                            applySGD(epilogue, tile: t, rows: (ic + ir)..<(ic + ir + mw), cols: (cols.lowerBound + jr)..<(cols.lowerBound + jr + nw), ldw: ldc, n: n)
                            ir += mr
                            continue
                        }
                        if mw == mr && nw == nr {
                            micro(kb, ap, bp, cp, ldc, acc)
                        } else {
                            // Edge tile: compute the padded tile, then keep its valid part.
                            let t = tile
                            for i in 0..<mr { for j in 0..<nr { t[i * nr + j] = (acc && i < mw && j < nw) ? cp[i * ldc + j] : 0 } }
                            micro(kb, ap, bp, t, nr, true)
                            for i in 0..<mw { for j in 0..<nw { cp[i * ldc + j] = t[i * nr + j] } }
                        }
                        if last {
                            let r0 = ic + ir, c0 = cols.lowerBound + jr
                            if epilogue.isSGD {
                                // Several k-blocks: C holds the finished tile now; gather it and update W.
                                let t = tile
                                for i in 0..<mw { for j in 0..<nw { t[i * nr + j] = c[(r0 + i) * ldc + c0 + j] } }
                                applySGD(epilogue, tile: t, rows: r0..<(r0 + mw), cols: c0..<(c0 + nw), ldw: ldc, n: n)
                            } else {
                                applyEpilogue(epilogue, c: c, ldc: ldc, rows: r0..<(r0 + mw), cols: c0..<(c0 + nw))
                            }
                        }
                        ir += mr
                    }
                    jr += nr
                }
                ic += mb
            }
            pc += kb
        }
    }

    /// `W ← W − ε (g + (2W)·λ)` for one tile of gradients g (row stride nr), as `SGD.update` does.
    @inline(__always)
    static func applySGD(_ e: GEMMEpilogue<T>, tile g: UnsafeMutablePointer<T>, rows: Range<Int>, cols: Range<Int>, ldw: Int, n: Int) {
        guard case let .sgd(w, lambda, lr, nonFinite) = e else { return }
        var bad = false
        for (i, r) in rows.enumerated() {
            let wr = w + r * ldw
            for (j, col) in cols.enumerated() {
                let grad = g[i * nr + j] + (2 * wr[col]) * lambda
                if !grad.isFinite { bad = true }
                wr[col] = wr[col] - lr * grad
            }
        }
        if bad { nonFinite[(rows.lowerBound / mr) * ((n + nr - 1) / nr) + cols.lowerBound / nr] = 1 }
    }

    @inline(__always)
    static func applyEpilogue(_ e: GEMMEpilogue<T>, c: UnsafeMutablePointer<T>, ldc: Int, rows: Range<Int>, cols: Range<Int>) {
        switch e {
        case .none: return
        case .reluCopy(let out):
            for i in rows { for j in cols { let v = c[i * ldc + j]; out[i * ldc + j] = v > 0 ? v : 0 } }
        case .reluMask(let mask):
            for i in rows { for j in cols where !(mask[i * ldc + j] > 0) { c[i * ldc + j] = 0 } }
        case .sgd: return   // handled where the tile is made
        }
    }

    /// Packs rows of op(A)[rows, k0..<k0+kb] into micro-panels of `mr` rows, k-major, zero-padded.
    @inline(__always)
    static func packA(_ a: StridedOperand<T>, k0: Int, kb: Int, rows: Range<Int>, into dst: UnsafeMutablePointer<T>) {
        var d = dst
        var i0 = rows.lowerBound
        while i0 < rows.upperBound {
            let mw = min(mr, rows.upperBound - i0)
            if a.colStride == 1 {
                for i in 0..<mr {
                    if i < mw {
                        let src = a.base + (i0 + i) * a.rowStride + k0
                        for p in 0..<kb { d[p * mr + i] = src[p] }
                    } else {
                        for p in 0..<kb { d[p * mr + i] = 0 }
                    }
                }
            } else if a.rowStride == 1 && mw == mr {
                // Transposed A (Xᵀ, Hᵀ): each k-slice of the panel is mr contiguous values.
                for p in 0..<kb { (d + p * mr).update(from: a.base + (k0 + p) * a.colStride + i0, count: mr) }
            } else {
                for p in 0..<kb {
                    let src = a.base + (k0 + p) * a.colStride + i0 * a.rowStride
                    for i in 0..<mr { d[p * mr + i] = i < mw ? src[i * a.rowStride] : 0 }
                }
            }
            d += mr * kb
            i0 += mr
        }
    }

    /// Packs op(B)[k0..<k0+kb, cols] into micro-panels of `nr` columns, k-major, zero-padded.
    @inline(__always)
    static func packB(_ b: StridedOperand<T>, k0: Int, kb: Int, cols: Range<Int>, into dst: UnsafeMutablePointer<T>) {
        var d = dst
        var j0 = cols.lowerBound
        while j0 < cols.upperBound {
            let nw = min(nr, cols.upperBound - j0)
            if b.colStride == 1 {
                for p in 0..<kb {
                    let src = b.base + (k0 + p) * b.rowStride + j0
                    let row = d + p * nr
                    if nw == nr { row.update(from: src, count: nr) } else {
                        for j in 0..<nr { row[j] = j < nw ? src[j] : 0 }
                    }
                }
            } else {
                for j in 0..<nr {
                    if j < nw {
                        let src = b.base + (j0 + j) * b.colStride + k0 * b.rowStride
                        for p in 0..<kb { d[p * nr + j] = src[p * b.rowStride] }
                    } else {
                        for p in 0..<kb { d[p * nr + j] = 0 }
                    }
                }
            }
            d += nr * kb
            j0 += nr
        }
    }

    /// The register-blocked micro-kernel: an `mr × nr` tile of C, 16 vector accumulators.
    @inline(__always)
    static func micro(_ kb: Int, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                      _ c: UnsafeMutablePointer<T>, _ ldc: Int, _ acc: Bool) {
        let w = V.scalarCount
        @inline(__always) func ld(_ p: UnsafePointer<T>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func st(_ v: V, _ p: UnsafeMutablePointer<T>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
        var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
        if acc {
            c00 = ld(c); c01 = ld(c + w)
            c10 = ld(c + ldc); c11 = ld(c + ldc + w)
            c20 = ld(c + 2 * ldc); c21 = ld(c + 2 * ldc + w)
            c30 = ld(c + 3 * ldc); c31 = ld(c + 3 * ldc + w)
            c40 = ld(c + 4 * ldc); c41 = ld(c + 4 * ldc + w)
            c50 = ld(c + 5 * ldc); c51 = ld(c + 5 * ldc + w)
            c60 = ld(c + 6 * ldc); c61 = ld(c + 6 * ldc + w)
            c70 = ld(c + 7 * ldc); c71 = ld(c + 7 * ldc + w)
        }
        var ap = a, bp = b
        for _ in 0..<kb {
            let b0 = ld(bp), b1 = ld(bp + w)
            var av = V(repeating: ap[0]); c00 = c00.addingProduct(av, b0); c01 = c01.addingProduct(av, b1)
            av = V(repeating: ap[1]); c10 = c10.addingProduct(av, b0); c11 = c11.addingProduct(av, b1)
            av = V(repeating: ap[2]); c20 = c20.addingProduct(av, b0); c21 = c21.addingProduct(av, b1)
            av = V(repeating: ap[3]); c30 = c30.addingProduct(av, b0); c31 = c31.addingProduct(av, b1)
            av = V(repeating: ap[4]); c40 = c40.addingProduct(av, b0); c41 = c41.addingProduct(av, b1)
            av = V(repeating: ap[5]); c50 = c50.addingProduct(av, b0); c51 = c51.addingProduct(av, b1)
            av = V(repeating: ap[6]); c60 = c60.addingProduct(av, b0); c61 = c61.addingProduct(av, b1)
            av = V(repeating: ap[7]); c70 = c70.addingProduct(av, b0); c71 = c71.addingProduct(av, b1)
            ap += 8; bp += 2 * w
        }
        st(c00, c); st(c01, c + w)
        st(c10, c + ldc); st(c11, c + ldc + w)
        st(c20, c + 2 * ldc); st(c21, c + 2 * ldc + w)
        st(c30, c + 3 * ldc); st(c31, c + 3 * ldc + w)
        st(c40, c + 4 * ldc); st(c41, c + 4 * ldc + w)
        st(c50, c + 5 * ldc); st(c51, c + 5 * ldc + w)
        st(c60, c + 6 * ldc); st(c61, c + 6 * ldc + w)
        st(c70, c + 7 * ldc); st(c71, c + 7 * ldc + w)
    }
}
