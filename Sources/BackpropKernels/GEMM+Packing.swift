/// Packing of A (panels, pitched panels, bytes converted as they are packed, the lists of kept
/// terms) and of B into the layouts the micro-kernel reads.
extension GEMM {
    /// Whether skipping lists A's kept terms for each half of a panel, not for the whole panel: for
    /// a transposed A (Xᵀ in Xᵀ G'), whose panels are 8 neighbouring pixels, halves keep out many
    /// more of Fashion-MNIST's terms; for a row-major A (X in X W1, panels of 8 examples) too few
    /// more to pay for the doubled per-term work.
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
            case .strided(let a): packPanel(a, i0: i0, mw: mw, k0: k0, kb: kb, into: d, list: list, inPlace: inPlace,
                                            pitched: pitched)
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
            @inline(__always) func row(_ i: Int) -> UnsafePointer<T> {
                i < mw ? a.base + (i0 + i) * a.rowStride + k0 : zero
            }
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
            packPitched(row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7), kb: kb, scale: r.scale, into: d,
                        list: list)
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
    /// and on 64-bit words (a copy call per slice and a second, 32-bit scan were slower).
    @inline(__always)
    static func copySlices(_ src: UnsafePointer<T>, stride: Int, kb: Int, into d: UnsafeMutablePointer<T>,
                           lists: UnsafeMutablePointer<Int32>?) {
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
    /// transposes, which took longer.)
    @inline(__always)
    static func packPitched(_ r0: UnsafePointer<T>, _ r1: UnsafePointer<T>, _ r2: UnsafePointer<T>,
                            _ r3: UnsafePointer<T>,
                            _ r4: UnsafePointer<T>, _ r5: UnsafePointer<T>, _ r6: UnsafePointer<T>,
                            _ r7: UnsafePointer<T>,
                            kb: Int, into d: UnsafeMutablePointer<T>, list: UnsafeMutablePointer<Int32>?) {
        let r = (r0, r1, r2, r3, r4, r5, r6, r7)
        packPitched(r, kb: kb, into: d, list: list,
                    load: { r, p in UnsafeRawPointer(r + p).loadUnaligned(as: SIMD8<T>.self) }, nonzero: nonzeroLanes,
                    values: { $0 }, value: { r, p in r[p] })
    }

    /// The same for 8 rows of bytes, each value converted to `T(byte) · scale` as it is stored;
    /// a term is kept when one of its 8 bytes is not 0, found on 64-bit words.
    @inline(__always)
    static func packPitched(_ r0: UnsafePointer<UInt8>, _ r1: UnsafePointer<UInt8>, _ r2: UnsafePointer<UInt8>,
                            _ r3: UnsafePointer<UInt8>,
                            _ r4: UnsafePointer<UInt8>, _ r5: UnsafePointer<UInt8>, _ r6: UnsafePointer<UInt8>,
                            _ r7: UnsafePointer<UInt8>,
                            kb: Int, scale: T, into d: UnsafeMutablePointer<T>, list: UnsafeMutablePointer<Int32>?) {
        let r = (r0, r1, r2, r3, r4, r5, r6, r7)
        packPitched(r, kb: kb, into: d, list: list,
                    load: { r, p in UInt64(littleEndian: UnsafeRawPointer(r + p).loadUnaligned(as: UInt64.self)) },
                    nonzero: { w in ByteWords.nonzeroMask(w.0 | w.1 | w.2 | w.3 | w.4 | w.5 | w.6 | w.7) },
                    values: { w in convert(unsafeBitCast(w.littleEndian, to: SIMD8<UInt8>.self),
                                           scale) }, value: { r, p in T(r[p]) * scale })
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
        @inline(__always) func put(_ w: W, _ i: Int, _ p: Int) {
            UnsafeMutableRawPointer(d + i * pitch + p).storeBytes(of: values(w), as: SIMD8<T>.self)
        }
        var n = 0
        var p = 0
        while p + 8 <= kb {
            let w = (load(r.0, p), load(r.1, p), load(r.2, p), load(r.3, p), load(r.4, p), load(r.5, p), load(r.6, p),
                     load(r.7, p))
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
            let v = (value(r.0, p), value(r.1, p), value(r.2, p), value(r.3, p), value(r.4, p), value(r.5, p),
                     value(r.6, p), value(r.7, p))
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
    static func copyByteSlices(_ rows: UnsafePointer<UnsafePointer<UInt8>>, column: Int, kb: Int, scale: T,
                               into d: UnsafeMutablePointer<T>,
                               lists: UnsafeMutablePointer<Int32>?) {
        let top = lists.map { $0 + 1 }, bottom = lists.map { $0 + (kc + 2) }
        var nt = 0, nb = 0
        for p in 0..<kb {
            let v = UnsafeRawPointer(rows[p] + column).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(d + p * mr).storeBytes(of: convert(unsafeBitCast(v, to: SIMD8<UInt8>.self), scale),
                                                           as: SIMD8<T>.self)
            guard let top, let bottom else { continue }
            // Little-endian: the low 4 bytes are the top half's (see `copySlices` for the lists).
            top[nt] = Int32(p); nt += v & 0xFFFF_FFFF != 0 ? 1 : 0
            bottom[nb] = Int32(p); nb += v >> 32 != 0 ? 1 : 0
        }
        if let lists { lists[0] = Int32(nt); lists[kc + 1] = Int32(nb) }
    }

    /// Bit j set when lane j of any of the 8 vectors is not ±0 (an OR of their bits, sign cleared).
    @inline(__always)
    static func nonzeroLanes(_ r: (SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>, SIMD8<T>,
                                   SIMD8<T>)) -> Int {
        MemoryLayout<T>.size == 4 ? nonzeroLanes(r, magnitude: UInt32(0x7FFF_FFFF)) : nonzeroLanes(r,
            magnitude: UInt64(0x7FFF_FFFF_FFFF_FFFF))
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
    static func packB(_ b: StridedOperand<T>, k0: Int, kb: Int, cols: Range<Int>, nr: Int,
                      into dst: UnsafeMutablePointer<T>) {
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
                // A transposed B (W2ᵀ in ∇H = G W2ᵀ): term by term, so that each panel row is written
                // whole (column by column, the writes compiled to scatters, which were most of the copy).
                let src = b.base + j0 * b.colStride + k0 * b.rowStride
                for p in 0..<kb {
                    let row = d + p * nr, s = src + p * b.rowStride
                    for j in 0..<nr { row[j] = j < nw ? s[j * b.colStride] : 0 }
                }
            }
            d += nr * kb
            j0 += nr
        }
    }
}

/// Zeros that stand in for the missing rows of a partial pitched panel (`GEMM.packPitched`):
/// room for a k-block of Doubles.
nonisolated(unsafe) let zeroRow = UnsafeMutableRawPointer.allocateAligned(byteCount: 8 * 272)
