/// Packed, register-blocked GEMM: `C (m×n) = [C +] A (m×k) · B (k×n)`.
///
/// Every element of C is accumulated with fused multiply-adds in the order p = 0, 1, …, k−1,
/// whatever the tile, the edge handling or the thread that computes it. That is what makes
/// results bit-identical for every thread count: threads split rows or columns of C, never k.
///
/// Tiles are 8 rows by two vectors (8×32 Float), or by one vector when n fits in one (the
/// products with the k = 10 classes: two vectors would be two-thirds padding). B is packed into
/// k-major panels of a tile's width, unless it is row-major with whole tiles and no zeros are
/// left out of a wide tile: then its rows are read where they lie (`ldb` apart), without the copy.
///
/// With `skipZeroA`, the terms whose A value is an exact zero for both rows of a pair of a wide
/// tile's rows (for a narrow tile: for all 8 rows, or for a transposed A all 4 rows of a half
/// tile) are left out of the chain. That gives the same
/// bits as the dense chain when B is finite and C starts at +0 (not accumulating): 0·b = ±0 for
/// finite b, c + (±0) = c for c ≠ 0, and a chain that starts at +0 reaches −0 only by underflow
/// (a product below 2⁻¹⁵⁰ in magnitude rounding to −0), so +0 + (−0) = +0 too. After such an
/// underflow the two chains can differ in the sign of a zero and in nothing else. The trainer
/// uses it for X (half of Fashion-MNIST's pixels are 0) and checks B's finiteness through J.
enum GEMM<V: SIMD> where V.Scalar: BinaryFloatingPoint & SIMDScalar {
    typealias T = V.Scalar
    static var mr: Int { 8 }
    static var kc: Int { 256 }
    static var mc: Int { 128 }
    /// Entries of `index` per A panel with skipping: room for five lists of kc + 1 (see `packA`).
    static var listsPerPanel: Int { 5 * (kc + 1) }
    /// Distance between the rows of a pitched panel (see `packPitched`): a constant, so that the
    /// micro-kernel reaches a term's 8 values at fixed displacements from one pointer, and not a
    /// multiple of 1 KB, so that the 8 rows do not fall in the same few cache sets.
    static var pitch: Int { kc + 16 }
    /// Whether op(A)'s panels are pitched (see `packPitched`): a row-major A when zeros are left
    /// out, and rows of bytes, which are always packed.
    @inline(__always)
    static func pitched(_ a: AOperand<T>, skip: Bool) -> Bool {
        switch a {
        case .strided(let s): return s.colStride == 1 && skip
        case .bytes(let r): return !r.transposed
        }
    }

    /// Depth of the k-blocks: k split evenly into blocks of at most `kc`, so there is no thin tail
    /// (784 = 4 × 196, not 3 × 256 + 16). A function of k alone, so every thread blocks alike.
    static func blockDepth(_ k: Int) -> Int {
        let blocks = (k + kc - 1) / kc
        return (k + blocks - 1) / blocks
    }

    /// Columns of one register tile for a product with n columns: one vector when that holds n.
    static func tileWidth(n: Int) -> Int { n <= V.scalarCount ? V.scalarCount : 2 * V.scalarCount }

    /// Computes rows `rows` and columns `cols` of C; the caller splits C among threads.
    static func run(m: Int, n: Int, k: Int,
                    a: AOperand<T>, b: StridedOperand<T>,
                    c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool,
                    epilogue: GEMMEpilogue<T> = .none, skipZeroA: Bool = false,
                    rows: Range<Int>, cols: Range<Int>, workspace: GEMMWorkspace) {
        if rows.isEmpty || cols.isEmpty { return }
        if case .sgd(_, _, _, _, .some, _) = epilogue {
            // Block sums of squares need each block's rows on one thread, in order (see `GEMMEpilogue`).
            precondition(rows.lowerBound % Reduce.blockRows == 0 && (rows.upperBound == m
                || rows.upperBound % Reduce.blockRows == 0)
                         && mc % Reduce.blockRows == 0)
        }
        if k == 0 {
            for i in rows { for j in cols where !accumulate { c[i * ldc + j] = 0 } }
            applyEpilogue(epilogue, c: c, ldc: ldc, rows: rows, cols: cols)
            return
        }
        // Two explicit calls, not one through a metatype chosen at run time: each must be
        // specialised for its width.
        let skip = skipZeroA && !accumulate
        if tileWidth(n: n) == V.scalarCount {
            blocked(Narrow.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate,
                    epilogue: epilogue,
                    skip: skip, rows: rows, cols: cols, workspace: workspace)
        } else {
            blocked(Wide.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, epilogue: epilogue,
                    skip: skip, rows: rows, cols: cols, workspace: workspace)
        }
    }

    /// The blocked loops for one tile width (a type, so that each width gets its own specialised
    /// micro-kernel; a Bool argument was not folded and left branches in the inner loop).
    static func blocked<W: TileWidth>(_: W.Type, m: Int, n: Int, k: Int, a: AOperand<T>, b: StridedOperand<T>,
                        c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool, epilogue: GEMMEpilogue<T>, skip: Bool,
                        rows: Range<Int>, cols: Range<Int>, workspace: GEMMWorkspace) {
        let nr = W.wide ? 2 * V.scalarCount : V.scalarCount
        let nb = cols.count
        let (aPack, bPack, tile, index) = workspace.buffers(T.self, n: nb)
        let depth = blockDepth(k)
        var pc = 0
        while pc < k {
            let kb = min(depth, k - pc)
            let acc = accumulate || pc > 0
            let last = pc + kb == k
            // A row-major B whose tiles are all whole is read where it lies, except by the pair
            // kernel (`microPairs`), which reads two of its rows per term: rows 1 KB apart (W1's,
            // G''s) fall into 8 of L1's 64 sets, so in place they came from L2 each time.
            let bInPlace = b.colStride == 1 && nb % nr == 0 && !(skip && W.wide)
            let ldb = bInPlace ? b.rowStride : nr
            var ic = rows.lowerBound
            while ic < rows.upperBound {
                let mb = min(mc, rows.upperBound - ic)
                // Row-major A (X, H) is read where it lies, 8 rows at a time: packing it meant a
                // transposing copy (compiled to scatters). Partial panels are packed.
                // With skipping, or as bytes, it is copied as it lies into pitched panels.
                let strided: StridedOperand<T>? = if case .strided(let s) = a { s } else { nil }
                let inPlace = strided?.colStride == 1 && !skip
                let halves = skip && Self.halves(a)
                let pitched = Self.pitched(a, skip: skip)
                packA(a, k0: pc, kb: kb, rows: ic..<(ic + mb), into: aPack, index: skip ? index : nil, inPlace: inPlace,
                      pitched: pitched, pairs: W.wide)
                var jr = 0
                while jr < nb {
                    let nw = min(nr, nb - jr)
                    // Each panel of B is packed as its first row block comes to it, so that it is
                    // still in L1 when the micro-kernel reads it.
                    if !bInPlace && ic == rows.lowerBound {
                        let j0 = cols.lowerBound + jr
                        packB(b, k0: pc, kb: kb, cols: j0..<(j0 + nw), nr: nr, into: bPack + jr * kb)
                    }
                    let bp = bInPlace ? b.base + pc * b.rowStride + cols.lowerBound + jr
                                      : UnsafePointer(bPack + jr * kb)
                    var ir = 0
                    while ir < mb {
                        let mw = min(mr, mb - ir)
                        let ap = UnsafePointer(aPack + ir * (pitched ? pitch : kb))
                        // With skipping, panel ir/mr keeps `count` of its kb terms, listed in `index`;
                        // for a transposed A, each half of the panel has its list and is computed
                        // as a 4-row tile (see `packA`).
                        let list = UnsafePointer(index + (ir / mr) * listsPerPanel)
                        // (Only read in place, which only a strided A is.)
                        let rowsA = strided.map { $0.base + (ic + ir) * $0.rowStride + pc }
                            ?? ap, lda = strided?.rowStride ?? mr
                        @inline(__always) func micro(_ c: UnsafeMutablePointer<T>, _ ldc: Int, _ acc: Bool) {
                            switch (skip, inPlace && mw == mr) {
                            // Wide tiles: each pair of rows over its own list (packed or pitched panel).
                            case (true, _) where W.wide && halves:
                                GEMM.microPairs(Packed.self, list + (kc + 1), ap, bp, c, ldc, acc)
                                GEMM.microPairs(Packed.self, list + 3 * (kc + 1), ap + 4, bp, c + 4 * ldc, ldc, acc)
                            case (true, _) where W.wide:
                                GEMM.microPairs(Rows.self, list + (kc + 1), ap, bp, c, ldc, acc)
                                GEMM.microPairs(Rows.self, list + 3 * (kc + 1), ap + 4 * pitch, bp, c + 4 * ldc, ldc,
                                                acc)
                            // Narrow tiles: each half of a packed panel, or the whole pitched panel.
                            case (true, _) where halves:
                                GEMM.microHalf(W.self, list, ap, bp, ldb, c, ldc, acc)
                                GEMM.microHalf(W.self, list + (kc + 1), ap + mr / 2, bp, ldb, c + mr / 2 * ldc, ldc,
                                               acc)
                            case (true, _): GEMM.micro(W.self, Sparse.self, Rows.self, Int(list[0]), list + 1, ap,
                                                       pitch, bp, ldb, c, ldc, acc)
                            case (false, _) where pitched: GEMM.micro(W.self, Dense.self, Rows.self, kb, list, ap,
                                                                      pitch, bp, ldb, c, ldc, acc)
                            case (false, true): GEMM.micro(W.self, Dense.self, Rows.self, kb, list, rowsA, lda, bp, ldb,
                                                           c, ldc, acc)
                            case (false, false): GEMM.micro(W.self, Dense.self, Packed.self, kb, list, ap, mr, bp, ldb,
                                                            c, ldc, acc)
                            }
                        }
                        let cp = c + (ic + ir) * ldc + cols.lowerBound + jr
                        if last && pc == 0 && epilogue.isSGD {
                            // One k-block: the whole gradient tile is made here; update W from it, skip storing C.
                            micro(tile, nr, false)
                            applySGD(epilogue, tile: tile, nr: nr, rows: (ic + ir)..<(ic + ir + mw),
                                     cols: (cols.lowerBound + jr)..<(cols.lowerBound + jr + nw), ldw: ldc, n: n)
                            ir += mr
                            continue
                        }
                        if mw == mr && nw == nr {
                            micro(cp, ldc, acc)
                        } else {
                            // Edge tile: compute the padded tile, then keep its valid part.
                            for i in 0..<mr { for j in
                                0..<nr { tile[i * nr + j] = (acc && i < mw && j < nw) ? cp[i * ldc + j] : 0 }
                            }
                            micro(tile, nr, true)
                            for i in 0..<mw { for j in 0..<nw { cp[i * ldc + j] = tile[i * nr + j] } }
                        }
                        if last {
                            let r0 = ic + ir, c0 = cols.lowerBound + jr
                            if epilogue.isSGD {
                                // Several k-blocks: C holds the finished tile now; gather it and update W.
                                for i in 0..<mw { for j in 0..<nw { tile[i * nr + j] = c[(r0 + i) * ldc + c0 + j] } }
                                applySGD(epilogue, tile: tile, nr: nr, rows: r0..<(r0 + mw), cols: c0..<(c0 + nw),
                                         ldw: ldc, n: n)
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
}
