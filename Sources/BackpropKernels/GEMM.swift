/// Packed, register-blocked GEMM: `C (m×n) = [C +] A (m×k) · B (k×n)`.
///
/// Every element of C is accumulated with fused multiply-adds in the order p = 0, 1, …, k−1,
/// whatever the tile, the edge handling or the thread that computes it. That is what makes
/// results bit-identical for every thread count: threads split rows or columns of C, never k.
///
/// Tiles are 8 rows by two vectors (8×32 Float), or by one vector when n fits in one (the
/// products with the k = 10 classes: two vectors would be two-thirds padding). B is packed into
/// k-major panels of a tile's width, unless it is row-major with whole tiles: then its rows are
/// read where they lie (`ldb` apart), the same loads from the same cache lines, without the copy.
///
/// With `skipZeroA`, the terms whose A value is an exact zero for all 8 rows of a tile (for a
/// transposed A, for all 4 rows of a half tile) are left out of the chain. That gives the same
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
    /// Entries of `index` per A panel with skipping: room for two lists of kc + 1 (see `packA`).
    static var listsPerPanel: Int { 2 * (kc + 1) }
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
        if case .sgd(_, _, _, _, .some) = epilogue {
            // Block sums of squares need each block's rows on one thread, in order (see `GEMMEpilogue`).
            precondition(rows.lowerBound % Reduce.blockRows == 0 && (rows.upperBound == m || rows.upperBound % Reduce.blockRows == 0)
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
            blocked(Narrow.self, m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, epilogue: epilogue,
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
            // A row-major B whose tiles are all whole is read where it lies (W1 in X W1, G' in Xᵀ G').
            let bInPlace = b.colStride == 1 && nb % nr == 0
            if !bInPlace { packB(b, k0: pc, kb: kb, cols: cols, nr: nr, into: bPack) }
            let ldb = bInPlace ? b.rowStride : nr
            var ic = rows.lowerBound
            while ic < rows.upperBound {
                let mb = min(mc, rows.upperBound - ic)
                // Row-major A (X, H) is read where it lies, 8 rows at a time: packing it meant a
                // transposing copy (compiled to scatters, ~5% of a step). Partial panels are packed.
                // With skipping, or as bytes, it is copied as it lies into pitched panels.
                let strided: StridedOperand<T>? = if case .strided(let s) = a { s } else { nil }
                let inPlace = strided?.colStride == 1 && !skip
                let halves = skip && Self.halves(a)
                let pitched = Self.pitched(a, skip: skip)
                packA(a, k0: pc, kb: kb, rows: ic..<(ic + mb), into: aPack, index: skip ? index : nil, inPlace: inPlace, pitched: pitched)
                var jr = 0
                while jr < nb {
                    let nw = min(nr, nb - jr)
                    let bp = bInPlace ? b.base + pc * b.rowStride + cols.lowerBound + jr : UnsafePointer(bPack + jr * kb)
                    var ir = 0
                    while ir < mb {
                        let mw = min(mr, mb - ir)
                        let ap = UnsafePointer(aPack + ir * (pitched ? pitch : kb))
                        // With skipping, panel ir/mr keeps `count` of its kb terms, listed in `index`;
                        // for a transposed A, each half of the panel has its list and is computed
                        // as a 4-row tile (see `packA`).
                        let list = UnsafePointer(index + (ir / mr) * listsPerPanel)
                        // (Only read in place, which only a strided A is.)
                        let rowsA = strided.map { $0.base + (ic + ir) * $0.rowStride + pc } ?? ap, lda = strided?.rowStride ?? mr
                        @inline(__always) func micro(_ c: UnsafeMutablePointer<T>, _ ldc: Int, _ acc: Bool) {
                            switch (skip, inPlace && mw == mr) {
                            case (true, _) where halves:
                                GEMM.microHalf(W.self, list, ap, bp, ldb, c, ldc, acc)
                                GEMM.microHalf(W.self, list + (kc + 1), ap + mr / 2, bp, ldb, c + mr / 2 * ldc, ldc, acc)
                            case (true, _): GEMM.micro(W.self, Sparse.self, Rows.self, Int(list[0]), list + 1, ap, pitch, bp, ldb, c, ldc, acc)
                            case (false, _) where pitched: GEMM.micro(W.self, Dense.self, Rows.self, kb, list, ap, pitch, bp, ldb, c, ldc, acc)
                            case (false, true): GEMM.micro(W.self, Dense.self, Rows.self, kb, list, rowsA, lda, bp, ldb, c, ldc, acc)
                            case (false, false): GEMM.micro(W.self, Dense.self, Packed.self, kb, list, ap, mr, bp, ldb, c, ldc, acc)
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
                            for i in 0..<mr { for j in 0..<nr { tile[i * nr + j] = (acc && i < mw && j < nw) ? cp[i * ldc + j] : 0 } }
                            micro(tile, nr, true)
                            for i in 0..<mw { for j in 0..<nw { cp[i * ldc + j] = tile[i * nr + j] } }
                        }
                        if last {
                            let r0 = ic + ir, c0 = cols.lowerBound + jr
                            if epilogue.isSGD {
                                // Several k-blocks: C holds the finished tile now; gather it and update W.
                                for i in 0..<mw { for j in 0..<nw { tile[i * nr + j] = c[(r0 + i) * ldc + c0 + j] } }
                                applySGD(epilogue, tile: tile, nr: nr, rows: r0..<(r0 + mw), cols: c0..<(c0 + nw), ldw: ldc, n: n)
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
    static func applySGD(_ e: GEMMEpilogue<T>, tile g: UnsafeMutablePointer<T>, nr: Int, rows: Range<Int>, cols: Range<Int>, ldw: Int, n: Int) {
        guard case let .sgd(w, lambda, lr, nonFinite, squares) = e else { return }
        let bad = if let squares {
            sgdTile(Squared.self, w, g, nr: nr, rows: rows, cols: cols, ldw: ldw, lambda: lambda, lr: lr,
                    sums: squares + (rows.lowerBound / Reduce.blockRows) * n)
        } else {
            sgdTile(Plain.self, w, g, nr: nr, rows: rows, cols: cols, ldw: ldw, lambda: lambda, lr: lr, sums: w)   // (sums unused)
        }
        if bad { nonFinite[(rows.lowerBound / mr) * ((n + nr - 1) / nr) + cols.lowerBound / nr] = 1 }
    }

    /// The SGD step on one tile (gradients `g`, row stride nr), column run by column run, down the
    /// rows; true if a gradient was NaN or ±Inf. With `Squared`, also adds the squares of the
    /// updated weights to their block's column sums `sums` (see `GEMMEpilogue.sgd`), down the rows
    /// in order from +0 at the block's first row, as `Reduce.blockColumns` does; a tile's rows lie
    /// in one block. (A type, not a Bool, so that each variant is compiled without the other's
    /// branches: an optional tested per element became masked loads through it even when nil.)
    @inline(__always)
    static func sgdTile<S: SquaresMode>(_: S.Type, _ w: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>, nr: Int, rows: Range<Int>,
                                        cols: Range<Int>, ldw: Int, lambda: T, lr: T, sums: UnsafeMutablePointer<T>) -> Bool {
        // Vectors over whole runs of V.scalarCount columns, the same operations lane by lane (no
        // contraction into FMAs, so the bits equal SGD.update's); a scalar loop for the rest.
        // grad·0 is 0 for a finite gradient and NaN otherwise: one NaN test per tile, not per element.
        let wv = V.scalarCount
        let two = V(repeating: 2), lam = V(repeating: lambda), rate = V(repeating: lr)
        let fresh = rows.lowerBound % Reduce.blockRows == 0
        let w0 = w + rows.lowerBound * ldw + cols.lowerBound, s0 = sums + cols.lowerBound
        var check = V()
        var bad = false
        var j = 0
        while j + wv <= cols.count {
            var acc = !S.on || fresh ? V() : UnsafeRawPointer(s0 + j).loadUnaligned(as: V.self)
            for i in 0..<rows.count {
                let wp = w0 + i * ldw + j
                let wj = UnsafeRawPointer(wp).loadUnaligned(as: V.self)
                let grad = UnsafeRawPointer(g + i * nr + j).loadUnaligned(as: V.self) + (two * wj) * lam
                check = check + grad * V()
                let updated = wj - rate * grad
                UnsafeMutableRawPointer(wp).storeBytes(of: updated, as: V.self)
                if S.on { acc = acc + updated * updated }
            }
            if S.on { UnsafeMutableRawPointer(s0 + j).storeBytes(of: acc, as: V.self) }
            j += wv
        }
        while j < cols.count {
            var acc: T = !S.on || fresh ? 0 : s0[j]
            for i in 0..<rows.count {
                let wp = w0 + i * ldw + j
                let grad = g[i * nr + j] + (2 * wp.pointee) * lambda
                if !grad.isFinite { bad = true }
                let updated = wp.pointee - lr * grad
                wp.pointee = updated
                if S.on { acc = acc + updated * updated }
            }
            if S.on { s0[j] = acc }
            j += 1
        }
        return bad || check.sum().isNaN
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

    /// Whether skipping lists A's kept terms for each half of a panel, not for the whole panel: for
    /// a transposed A (Xᵀ in Xᵀ G'), whose panels are 8 neighbouring pixels, halves keep out 38% of
    /// Fashion-MNIST's terms instead of 28% (Xᵀ G' ~350 → ~315 µs at one thread). For a row-major A
    /// (X in X W1, panels of 8 examples) it is 38% instead of 34%, too little for the doubled
    /// per-term work: X W1 ran ~3% slower.
    @inline(__always)
    static func halves(_ a: AOperand<T>) -> Bool { a.transposed }

    /// Packs rows of op(A)[rows, k0..<k0+kb] into micro-panels of `mr` rows.
    ///
    /// - A pitched panel (see `pitched`) holds its 8 rows as they lie, `pitch` apart (see
    ///   `packPitched`). With an `index`, its entries hold how many terms are kept, then their k
    ///   offsets in order: the terms where any of the 8 rows is not ±0.
    /// - Any other panel is k-major and zero-padded: term p's 8 values side by side. With an
    ///   `index` (a transposed A, see `halves`), its entries hold two lists of kc + 1, one per half
    ///   (rows 0–3, rows 4–7), each of the terms whose 4 values in that half are not all ±0.
    /// With `inPlace`, full panels of a row-major A are read where they lie and are not packed.
    @inline(__always)
    static func packA(_ operand: AOperand<T>, k0: Int, kb: Int, rows: Range<Int>, into dst: UnsafeMutablePointer<T>,
                      index: UnsafeMutablePointer<Int32>?, inPlace: Bool, pitched: Bool) {
        var d = dst
        var i0 = rows.lowerBound
        var panel = 0
        while i0 < rows.upperBound {
            let mw = min(mr, rows.upperBound - i0)
            // This panel's lists of kept slices (see above), when zeros are left out.
            let list = index.map { $0 + panel * listsPerPanel }
            switch operand {
            case .strided(let a): packPanel(a, i0: i0, mw: mw, k0: k0, kb: kb, into: d, list: list, inPlace: inPlace, pitched: pitched)
            case .bytes(let r): packPanel(r, i0: i0, mw: mw, k0: k0, kb: kb, into: d, list: list)
            }
            d += mr * (pitched ? pitch : kb)
            i0 += mr
            panel += 1
        }
    }

    /// Packs the panel of a strided A's rows i0..<i0+mw (see `packA`).
    @inline(__always)
    static func packPanel(_ a: StridedOperand<T>, i0: Int, mw: Int, k0: Int, kb: Int, into d: UnsafeMutablePointer<T>,
                          list: UnsafeMutablePointer<Int32>?, inPlace: Bool, pitched: Bool) {
        if inPlace && mw == mr {
            // Read where it lies: nothing to pack.
        } else if pitched {
            // Row-major A (X) with its zeros left out.
            let zero = UnsafeRawPointer(zeroRow).assumingMemoryBound(to: T.self)
            @inline(__always) func row(_ i: Int) -> UnsafePointer<T> { i < mw ? a.base + (i0 + i) * a.rowStride + k0 : zero }
            packPitched(row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7), kb: kb, into: d, list: list)
        } else if a.rowStride == 1 && mw == mr {
            // Transposed A (Xᵀ, Hᵀ): each k-slice of the panel is mr contiguous values.
            copySlices(a.base + k0 * a.colStride + i0, stride: a.colStride, kb: kb, into: d, lists: list)
        } else {
            // Partial or strided panels.
            packPartial(kb: kb, rows: mw, into: d, list: list) { i, p in
                a.base[(i0 + i) * a.rowStride + (k0 + p) * a.colStride]
            }
        }
    }

    /// Packs the panel of rows i0..<i0+mw of A given as rows of bytes: the same panel and lists as
    /// for the converted values, each value converted as it is copied.
    @inline(__always)
    static func packPanel(_ r: ByteRows<T>, i0: Int, mw: Int, k0: Int, kb: Int, into d: UnsafeMutablePointer<T>,
                          list: UnsafeMutablePointer<Int32>?) {
        if !r.transposed {
            let zero = UnsafeRawPointer(zeroRow).assumingMemoryBound(to: UInt8.self)
            @inline(__always) func row(_ i: Int) -> UnsafePointer<UInt8> { i < mw ? r.rows[i0 + i] + k0 : zero }
            packPitched(row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7), kb: kb, scale: r.scale, into: d, list: list)
        } else if mw == mr {
            copyByteSlices(r.rows + k0, column: i0, kb: kb, scale: r.scale, into: d, lists: list)
        } else {
            packPartial(kb: kb, rows: mw, into: d, list: list) { i, p in T(r.rows[k0 + p][i0 + i]) * r.scale }
        }
    }

    /// Packs a partial panel of a transposed or strided A (`rows` < mr of its rows exist; `value(i, p)`
    /// reads row i of term p), zero-padded, then lists each half's kept terms (see `packA`).
    @inline(__always)
    static func packPartial(kb: Int, rows mw: Int, into d: UnsafeMutablePointer<T>, list: UnsafeMutablePointer<Int32>?,
                            _ value: (Int, Int) -> T) {
        for p in 0..<kb {
            for i in 0..<mr { d[p * mr + i] = i < mw ? value(i, p) : 0 }
        }
        if let list { listHalves(d, kb: kb, lists: list) }
    }

    /// Copies kb slices of 8 contiguous values (`stride` apart) into a panel and, with `lists`,
    /// lists each half's kept terms (those whose 4 values there are not all ±0), in the same pass
    /// and on 64-bit words: a copy call per slice and a second, 32-bit scan took Xᵀ G''s packing
    /// ~43 µs a step, this ~31.
    @inline(__always)
    static func copySlices(_ src: UnsafePointer<T>, stride: Int, kb: Int, into d: UnsafeMutablePointer<T>, lists: UnsafeMutablePointer<Int32>?) {
        let words = mr * MemoryLayout<T>.size / 8   // 64-bit words per slice: 4 (Float) or 8 (Double)
        // The sign bits of every value in a word, cleared so that −0 counts as zero.
        let magnitude: UInt64 = MemoryLayout<T>.size == 4 ? 0x7FFF_FFFF_7FFF_FFFF : 0x7FFF_FFFF_FFFF_FFFF
        let top = lists.map { $0 + 1 }, bottom = lists.map { $0 + (kc + 2) }
        var nt = 0, nb = 0
        for p in 0..<kb {
            let s = UnsafeRawPointer(src + p * stride), t = UnsafeMutableRawPointer(d + p * mr)
            var upper: UInt64 = 0, lower: UInt64 = 0
            for w in 0..<words {
                let v = s.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self)
                t.storeBytes(of: v, toByteOffset: 8 * w, as: UInt64.self)
                if w < words / 2 { upper |= v } else { lower |= v }
            }
            guard let top, let bottom else { continue }
            // Each entry goes to the next free place, which the next term overwrites when this
            // one was zero: no branch on the data.
            top[nt] = Int32(p); nt += upper & magnitude != 0 ? 1 : 0
            bottom[nb] = Int32(p); nb += lower & magnitude != 0 ? 1 : 0
        }
        if let lists { lists[0] = Int32(nt); lists[kc + 1] = Int32(nb) }
    }

    /// Writes the two lists of a packed panel's kept terms, one per half (see `packA`): the
    /// panel's slices copied onto themselves, which leaves them as they are.
    @inline(__always)
    static func listHalves(_ d: UnsafeMutablePointer<T>, kb: Int, lists: UnsafeMutablePointer<Int32>) {
        copySlices(d, stride: mr, kb: kb, into: d, lists: lists)
    }

    /// Packs 8 rows of a row-major A as they lie (rows `r0`…`r7`, kb values each from where they
    /// point; a missing row points at `zeroRow`): row i's values at `d[i·pitch ..< i·pitch + kb]`.
    /// The micro-kernel reads term p's 8 values at `d + p` plus constant displacements.
    ///
    /// With a `list`, the terms where any of the 8 values is not ±0 are listed (list[0] = how many,
    /// then their offsets, increasing), and 8 terms whose 64 values are all ±0 are not copied at all.
    /// (A panel with term p's 8 values side by side had to be transposed, by 8×8 register
    /// transposes: X W1's packing took ~27 µs of a two-thread step per thread, pitched ~19.5, and
    /// the product as a whole ~186 → ~181 µs in alternating runs.)
    @inline(__always)
    static func packPitched(_ r0: UnsafePointer<T>, _ r1: UnsafePointer<T>, _ r2: UnsafePointer<T>, _ r3: UnsafePointer<T>,
                            _ r4: UnsafePointer<T>, _ r5: UnsafePointer<T>, _ r6: UnsafePointer<T>, _ r7: UnsafePointer<T>,
                            kb: Int, into d: UnsafeMutablePointer<T>, list: UnsafeMutablePointer<Int32>?) {
        let r = (r0, r1, r2, r3, r4, r5, r6, r7)
        packPitched(r, kb: kb, into: d, list: list,
                    load: { r, p in UnsafeRawPointer(r + p).loadUnaligned(as: SIMD8<T>.self) }, nonzero: nonzeroLanes,
                    values: { $0 }, value: { r, p in r[p] })
    }

    /// The same for 8 rows of bytes, each value converted to `T(byte) · scale` as it is stored;
    /// a term is kept when one of its 8 bytes is not 0, found on 64-bit words.
    @inline(__always)
    static func packPitched(_ r0: UnsafePointer<UInt8>, _ r1: UnsafePointer<UInt8>, _ r2: UnsafePointer<UInt8>, _ r3: UnsafePointer<UInt8>,
                            _ r4: UnsafePointer<UInt8>, _ r5: UnsafePointer<UInt8>, _ r6: UnsafePointer<UInt8>, _ r7: UnsafePointer<UInt8>,
                            kb: Int, scale: T, into d: UnsafeMutablePointer<T>, list: UnsafeMutablePointer<Int32>?) {
        let r = (r0, r1, r2, r3, r4, r5, r6, r7)
        packPitched(r, kb: kb, into: d, list: list,
                    load: { r, p in UInt64(littleEndian: UnsafeRawPointer(r + p).loadUnaligned(as: UInt64.self)) },
                    nonzero: { w in ByteWords.nonzeroMask(w.0 | w.1 | w.2 | w.3 | w.4 | w.5 | w.6 | w.7) },
                    values: { w in convert(unsafeBitCast(w.littleEndian, to: SIMD8<UInt8>.self), scale) }, value: { r, p in T(r[p]) * scale })
    }

    /// The loop of both `packPitched`s: rows of E, read 8 terms at a time as one W (`load(row, p)`)
    /// whose values are `values(w)`, or one value at a time in the tail (`value(row, p)`);
    /// `nonzero` gives bit j for term j of 8 rows' W when one of its values is not ±0.
    @inline(__always)
    static func packPitched<E, W>(_ r: (UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>,
                                        UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>),
                                  kb: Int, into d: UnsafeMutablePointer<T>, list: UnsafeMutablePointer<Int32>?,
                                  load: (UnsafePointer<E>, Int) -> W, nonzero: ((W, W, W, W, W, W, W, W)) -> Int,
                                  values: (W) -> SIMD8<T>, value: (UnsafePointer<E>, Int) -> T) {
        @inline(__always) func put(_ w: W, _ i: Int, _ p: Int) { UnsafeMutableRawPointer(d + i * pitch + p).storeBytes(of: values(w), as: SIMD8<T>.self) }
        var n = 0
        var p = 0
        while p + 8 <= kb {
            let w = (load(r.0, p), load(r.1, p), load(r.2, p), load(r.3, p), load(r.4, p), load(r.5, p), load(r.6, p), load(r.7, p))
            // Bit j: term p + j has a value that is not ±0.
            let kept = list == nil ? 0xFF : nonzero(w)
            if kept != 0 {
                put(w.0, 0, p); put(w.1, 1, p); put(w.2, 2, p); put(w.3, 3, p)
                put(w.4, 4, p); put(w.5, 5, p); put(w.6, 6, p); put(w.7, 7, p)
                if let list { appendTerms(kept, from: p, to: list + 1, count: &n) }
            }
            p += 8
        }
        while p < kb {
            let v = (value(r.0, p), value(r.1, p), value(r.2, p), value(r.3, p), value(r.4, p), value(r.5, p), value(r.6, p), value(r.7, p))
            d[p] = v.0; d[pitch + p] = v.1; d[2 * pitch + p] = v.2; d[3 * pitch + p] = v.3
            d[4 * pitch + p] = v.4; d[5 * pitch + p] = v.5; d[6 * pitch + p] = v.6; d[7 * pitch + p] = v.7
            let zero = v.0 == 0 && v.1 == 0 && v.2 == 0 && v.3 == 0 && v.4 == 0 && v.5 == 0 && v.6 == 0 && v.7 == 0
            if let list { list[1 + n] = Int32(p); n += zero ? 0 : 1 }
            p += 1
        }
        list?[0] = Int32(n)
    }

    /// Appends to `terms` (from position n on) the offsets p + j of the set bits j of `mask`
    /// (8 bits), increasing. Each goes to the next free place, which the next one overwrites when
    /// its bit was clear: no branch on the data.
    @inline(__always)
    static func appendTerms(_ mask: Int, from p: Int, to terms: UnsafeMutablePointer<Int32>, count n: inout Int) {
        for j in 0..<8 { terms[n] = Int32(p + j); n += (mask >> j) & 1 }
    }

    /// `T(byte) · scale` for 8 bytes: the rounding of the data set's own conversion, lane by lane.
    @inline(__always)
    static func convert(_ b: SIMD8<UInt8>, _ scale: T) -> SIMD8<T> {
        SIMD8<T>(SIMD8<Int32>(truncatingIfNeeded: b)) * SIMD8(repeating: scale)
    }

    /// `copySlices` for rows of bytes: slice p is the 8 bytes from `column` on in row `rows[p]`,
    /// converted to `T(byte) · scale`; a half is kept when its 4 bytes are not all 0.
    @inline(__always)
    static func copyByteSlices(_ rows: UnsafePointer<UnsafePointer<UInt8>>, column: Int, kb: Int, scale: T, into d: UnsafeMutablePointer<T>,
                               lists: UnsafeMutablePointer<Int32>?) {
        let top = lists.map { $0 + 1 }, bottom = lists.map { $0 + (kc + 2) }
        var nt = 0, nb = 0
        for p in 0..<kb {
            let v = UnsafeRawPointer(rows[p] + column).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(d + p * mr).storeBytes(of: convert(unsafeBitCast(v, to: SIMD8<UInt8>.self), scale), as: SIMD8<T>.self)
            guard let top, let bottom else { continue }
            // Little-endian: the low 4 bytes are the top half's (see `copySlices` for the lists).
            top[nt] = Int32(p); nt += v & 0xFFFF_FFFF != 0 ? 1 : 0
            bottom[nb] = Int32(p); nb += v >> 32 != 0 ? 1 : 0
        }
        if let lists { lists[0] = Int32(nt); lists[kc + 1] = Int32(nb) }
    }

    /// Bit j set when lane j of any of the 8 vectors is not ±0 (an OR of their bits, sign cleared).
    @inline(__always)
    static func nonzeroLanes(_ r: (SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>)) -> Int {
        MemoryLayout<T>.size == 4 ? nonzeroLanes(r, magnitude: UInt32(0x7FFF_FFFF)) : nonzeroLanes(r, magnitude: UInt64(0x7FFF_FFFF_FFFF_FFFF))
    }

    /// The same on the bits as U, the unsigned integer of T's size; `magnitude` masks the sign bit off.
    @inline(__always)
    static func nonzeroLanes<U: FixedWidthInteger & UnsignedInteger & SIMDScalar>(
        _ r: (SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>), magnitude: U) -> Int {
        @inline(__always) func u(_ v: SIMD8<T>) -> SIMD8<U> { unsafeBitCast(v, to: SIMD8<U>.self) }
        let o = (u(r.0) | u(r.1) | u(r.2) | u(r.3) | u(r.4) | u(r.5) | u(r.6) | u(r.7)) & SIMD8(repeating: magnitude)
        var bits = 0
        for j in 0..<8 where o[j] != 0 { bits |= 1 << j }
        return bits
    }

    /// Packs op(B)[k0..<k0+kb, cols] into micro-panels of `nr` columns, k-major, zero-padded.
    @inline(__always)
    static func packB(_ b: StridedOperand<T>, k0: Int, kb: Int, cols: Range<Int>, nr: Int, into dst: UnsafeMutablePointer<T>) {
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

    /// The register-blocked micro-kernel: an 8 × nr tile of C in 16 (wide) or 8 vector accumulators.
    ///
    /// Dense: the terms p = 0..<count in order. Sparse: the terms `list[0..<count]` (increasing k
    /// offsets), with A as rows (a pitched panel). B's row p is at `b[p·ldb]`.
    /// A is a packed panel (row i of term p at `a[p·8 + i]`) or rows (`a[i·lda + p]`): in place, or a
    /// pitched panel, whose `lda` is the constant `pitch`.
    @inline(__always)
    static func micro<W: TileWidth, S: TermOrder, L: PanelLayout>(_: W.Type, _: S.Type, _: L.Type, _ count: Int, _ list: UnsafePointer<Int32>,
                                                                  _ a: UnsafePointer<T>, _ lda: Int,
                                                                  _ b: UnsafePointer<T>, _ ldb: Int, _ c: UnsafeMutablePointer<T>, _ ldc: Int, _ acc: Bool) {
        let w = V.scalarCount, wide = W.wide, sparse = S.sparse, inPlace = L.inPlace
        @inline(__always) func ld(_ p: UnsafePointer<T>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func st(_ v: V, _ p: UnsafeMutablePointer<T>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
        var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
        if acc {
            c00 = ld(c); c10 = ld(c + ldc); c20 = ld(c + 2 * ldc); c30 = ld(c + 3 * ldc)
            c40 = ld(c + 4 * ldc); c50 = ld(c + 5 * ldc); c60 = ld(c + 6 * ldc); c70 = ld(c + 7 * ldc)
            if wide {
                c01 = ld(c + w); c11 = ld(c + ldc + w); c21 = ld(c + 2 * ldc + w); c31 = ld(c + 3 * ldc + w)
                c41 = ld(c + 4 * ldc + w); c51 = ld(c + 5 * ldc + w); c61 = ld(c + 6 * ldc + w); c71 = ld(c + 7 * ldc + w)
            }
        }
        var ap = a, bp = b
        for q in 0..<count {
            if sparse {
                // Sparse terms come with a pitched panel (rows `lda` apart, a constant): term t's
                // 8 values are at a + t, B's row at b + t·ldb.
                let t = Int(list[q])
                ap = a + t; bp = b + t * ldb
            }
            // In place, ap points at row 0's term and the rows are lda apart; packed, they are adjacent.
            let s = inPlace ? lda : 1
            let a0 = V(repeating: ap[0]), a1 = V(repeating: ap[s]), a2 = V(repeating: ap[2 * s]), a3 = V(repeating: ap[3 * s])
            let a4 = V(repeating: ap[4 * s]), a5 = V(repeating: ap[5 * s]), a6 = V(repeating: ap[6 * s]), a7 = V(repeating: ap[7 * s])
            let b0 = ld(bp)
            c00 = c00.addingProduct(a0, b0); c10 = c10.addingProduct(a1, b0); c20 = c20.addingProduct(a2, b0); c30 = c30.addingProduct(a3, b0)
            c40 = c40.addingProduct(a4, b0); c50 = c50.addingProduct(a5, b0); c60 = c60.addingProduct(a6, b0); c70 = c70.addingProduct(a7, b0)
            if wide {
                let b1 = ld(bp + w)
                c01 = c01.addingProduct(a0, b1); c11 = c11.addingProduct(a1, b1); c21 = c21.addingProduct(a2, b1); c31 = c31.addingProduct(a3, b1)
                c41 = c41.addingProduct(a4, b1); c51 = c51.addingProduct(a5, b1); c61 = c61.addingProduct(a6, b1); c71 = c71.addingProduct(a7, b1)
            }
            if !sparse { bp += ldb; ap += inPlace ? 1 : 8 }
        }
        st(c00, c); st(c10, c + ldc); st(c20, c + 2 * ldc); st(c30, c + 3 * ldc)
        st(c40, c + 4 * ldc); st(c50, c + 5 * ldc); st(c60, c + 6 * ldc); st(c70, c + 7 * ldc)
        if wide {
            st(c01, c + w); st(c11, c + ldc + w); st(c21, c + 2 * ldc + w); st(c31, c + 3 * ldc + w)
            st(c41, c + 4 * ldc + w); st(c51, c + 5 * ldc + w); st(c61, c + 6 * ldc + w); st(c71, c + 7 * ldc + w)
        }
    }

    /// The micro-kernel for half a packed panel with its own term list: a 4 × nr tile of C in 8
    /// (wide) or 4 vector accumulators, over the terms `list[1...list[0]]` (increasing). Row i of
    /// term p is at `a[p·8 + i]` (the panel keeps every term), B's row of term p at `b[p·ldb]`.
    /// (Eight independent chains still keep the FMA units busy.)
    @inline(__always)
    static func microHalf<W: TileWidth>(_: W.Type, _ list: UnsafePointer<Int32>, _ a: UnsafePointer<T>,
                                        _ b: UnsafePointer<T>, _ ldb: Int, _ c: UnsafeMutablePointer<T>, _ ldc: Int, _ acc: Bool) {
        let w = V.scalarCount, wide = W.wide
        @inline(__always) func ld(_ p: UnsafePointer<T>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func st(_ v: V, _ p: UnsafeMutablePointer<T>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
        if acc {
            c00 = ld(c); c10 = ld(c + ldc); c20 = ld(c + 2 * ldc); c30 = ld(c + 3 * ldc)
            if wide { c01 = ld(c + w); c11 = ld(c + ldc + w); c21 = ld(c + 2 * ldc + w); c31 = ld(c + 3 * ldc + w) }
        }
        let terms = list + 1
        for q in 0..<Int(list[0]) {
            let p = Int(terms[q])
            let ap = a + p * mr, bp = b + p * ldb
            let a0 = V(repeating: ap[0]), a1 = V(repeating: ap[1]), a2 = V(repeating: ap[2]), a3 = V(repeating: ap[3])
            let b0 = ld(bp)
            c00 = c00.addingProduct(a0, b0); c10 = c10.addingProduct(a1, b0); c20 = c20.addingProduct(a2, b0); c30 = c30.addingProduct(a3, b0)
            if wide {
                let b1 = ld(bp + w)
                c01 = c01.addingProduct(a0, b1); c11 = c11.addingProduct(a1, b1); c21 = c21.addingProduct(a2, b1); c31 = c31.addingProduct(a3, b1)
            }
        }
        st(c00, c); st(c10, c + ldc); st(c20, c + 2 * ldc); st(c30, c + 3 * ldc)
        if wide { st(c01, c + w); st(c11, c + ldc + w); st(c21, c + 2 * ldc + w); st(c31, c + 3 * ldc + w) }
    }
}

/// Tile widths of the micro-kernel, as types so that each is compiled on its own.
protocol TileWidth { static var wide: Bool { get } }
/// Two vectors of columns (8×32 Float).
enum Wide: TileWidth { static var wide: Bool { true } }
/// One vector of columns (8×16 Float), for n ≤ one vector.
enum Narrow: TileWidth { static var wide: Bool { false } }
/// Whether the SGD epilogue also sums the squares of the updated weights (see `GEMM.sgdTile`), as types for the same reason.
protocol SquaresMode { static var on: Bool { get } }
enum Squared: SquaresMode { static var on: Bool { true } }
enum Plain: SquaresMode { static var on: Bool { false } }

/// Which terms of the k-chain the micro-kernel takes, as types for the same reason.
protocol TermOrder { static var sparse: Bool { get } }
/// Every term, p = 0..<kb.
enum Dense: TermOrder { static var sparse: Bool { false } }
/// The terms listed for the panel (where its A values are not all zero).
enum Sparse: TermOrder { static var sparse: Bool { true } }
/// Where the micro-kernel reads A, as types for the same reason.
protocol PanelLayout { static var inPlace: Bool { get } }
/// A packed panel: the 8 values of a term side by side.
enum Packed: PanelLayout { static var inPlace: Bool { false } }
/// 8 rows `lda` apart: a row-major A where it lies, or a pitched panel.
enum Rows: PanelLayout { static var inPlace: Bool { true } }

/// Zeros that stand in for the missing rows of a partial pitched panel (`GEMM.packPitched`):
/// room for a k-block of Doubles.
nonisolated(unsafe) let zeroRow = UnsafeMutableRawPointer.allocateAligned(byteCount: 8 * 272)
