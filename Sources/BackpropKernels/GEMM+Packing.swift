/// Packing of A (panels, pitched panels, bytes converted as they are packed, the lists of kept
/// terms) and of B into the layouts the micro-kernel reads.
extension GEMM {
    /// Whether skipping lists a narrow tile's kept terms for each half of a panel, not for the
    /// whole panel: for a transposed A (Hᵀ in Hᵀ G), whose panels are 8 hidden units. (Wide tiles
    /// list them for each pair of rows, see `microPairs`.)
    @inline(__always)
    static func halves(_ a: AOperand<T>) -> Bool { a.transposed }

    /// Packs rows of op(A)[rows, k0..<k0+kb] into micro-panels of `mr` rows.
    ///
    /// - A pitched panel (see `pitched`) holds its 8 rows as they lie, `pitch` apart (see
    ///   `packPitched`). With an `index`, its entries hold how many terms are kept, then their k
    ///   offsets in order: the terms where any of the 8 rows is not ±0; with `pairs`, four such
    ///   lists of kc + 1 from entry kc + 1 on instead, one per pair of rows (0–1, 2–3, 4–5, 6–7).
    /// - Any other panel is k-major and zero-padded: term p's 8 values side by side. With an
    ///   `index` (a transposed A, see `halves`), its entries hold two lists of kc + 1, one per half
    ///   (rows 0–3, rows 4–7), each of the terms whose 4 values in that half are not all ±0; with
    ///   `pairs`, four lists from entry kc + 1 on, one per pair, as for a pitched panel.
    /// With `inPlace`, full panels of a row-major A are read where they lie and are not packed.
    @inline(__always)
    static func packA(_ operand: AOperand<T>, k0: Int, kb: Int, rows: Range<Int>, into dst: UnsafeMutablePointer<T>,
                      index: UnsafeMutablePointer<Int32>?, inPlace: Bool, pitched: Bool, pairs: Bool) {
        var d = dst
        var i0 = rows.lowerBound
        var panel = 0
        while i0 < rows.upperBound {
            let mw = min(mr, rows.upperBound - i0)
            // This panel's lists of kept slices (see above), when zeros are left out.
            let list = index.map { $0 + panel * listsPerPanel }
            switch operand {
            case .strided(let a): packPanel(a, i0: i0, mw: mw, k0: k0, kb: kb, into: d, list: list, inPlace: inPlace,
                                            pitched: pitched, pairs: pairs)
            case .bytes(let r): packPanel(r, i0: i0, mw: mw, k0: k0, kb: kb, into: d, list: list, pairs: pairs)
            }
            d += mr * (pitched ? pitch : kb)
            i0 += mr
            panel += 1
        }
    }

    /// Packs the panel of a strided A's rows i0..<i0+mw (see `packA`).
    @inline(__always)
    static func packPanel(_ a: StridedOperand<T>, i0: Int, mw: Int, k0: Int, kb: Int, into d: UnsafeMutablePointer<T>,
                          list: UnsafeMutablePointer<Int32>?, inPlace: Bool, pitched: Bool, pairs: Bool) {
        if inPlace && mw == mr {
            // Read where it lies: nothing to pack.
        } else if pitched {
            // Row-major A (X) with its zeros left out.
            let zero = UnsafeRawPointer(zeroRow).assumingMemoryBound(to: T.self)
            @inline(__always) func row(_ i: Int) -> UnsafePointer<T> {
                i < mw ? a.base + (i0 + i) * a.rowStride + k0 : zero
            }
            packPitched(row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7), kb: kb, into: d, list: list,
                        pairs: pairs)
        } else if a.rowStride == 1 && mw == mr {
            // Transposed A (Xᵀ, Hᵀ): each k-slice of the panel is mr contiguous values.
            copySlices(a.base + k0 * a.colStride + i0, stride: a.colStride, kb: kb, into: d, lists: list, pairs: pairs)
        } else {
            // Partial or strided panels.
            packPartial(kb: kb, rows: mw, into: d, list: list, pairs: pairs) { i, p in
                a.base[(i0 + i) * a.rowStride + (k0 + p) * a.colStride]
            }
        }
    }

    /// Packs the panel of rows i0..<i0+mw of A given as rows of bytes: the same panel and lists as
    /// for the converted values, each value converted as it is copied.
    @inline(__always)
    static func packPanel(_ r: ByteRows<T>, i0: Int, mw: Int, k0: Int, kb: Int, into d: UnsafeMutablePointer<T>,
                          list: UnsafeMutablePointer<Int32>?, pairs: Bool) {
        if !r.transposed {
            let zero = UnsafeRawPointer(zeroRow).assumingMemoryBound(to: UInt8.self)
            @inline(__always) func row(_ i: Int) -> UnsafePointer<UInt8> { i < mw ? r.rows[i0 + i] + k0 : zero }
            packPitched(row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7), kb: kb, scale: r.scale, into: d,
                        list: list, pairs: pairs)
        } else if mw == mr {
            copyByteSlices(r.rows + k0, column: i0, kb: kb, scale: r.scale, into: d, lists: list, pairs: pairs)
        } else {
            packPartial(kb: kb, rows: mw, into: d, list: list, pairs: pairs) { i, p in
                T(r.rows[k0 + p][i0 + i]) * r.scale
            }
        }
    }

    /// Packs a partial panel of a transposed or strided A (`rows` < mr of its rows exist; `value(i, p)`
    /// reads row i of term p), zero-padded, then lists each half's or each pair's kept terms (see `packA`).
    @inline(__always)
    static func packPartial(kb: Int, rows mw: Int, into d: UnsafeMutablePointer<T>, list: UnsafeMutablePointer<Int32>?,
                            pairs: Bool, _ value: (Int, Int) -> T) {
        for p in 0..<kb {
            for i in 0..<mr { d[p * mr + i] = i < mw ? value(i, p) : 0 }
        }
        // The panel's slices copied onto themselves, which leaves them as they are, to list them.
        if let list { copySlices(d, stride: mr, kb: kb, into: d, lists: list, pairs: pairs) }
    }

    /// Copies kb slices of 8 contiguous values (`stride` apart) into a panel and, with `lists`,
    /// lists each half's kept terms (those whose 4 values there are not all ±0), or with `pairs`
    /// each pair's (see `packA`), in the same pass and on 64-bit words (a copy call per slice and a
    /// second, 32-bit scan were slower).
    @inline(__always)
    static func copySlices(_ src: UnsafePointer<T>, stride: Int, kb: Int, into d: UnsafeMutablePointer<T>,
                           lists: UnsafeMutablePointer<Int32>?, pairs: Bool) {
        let words = mr * MemoryLayout<T>.size / 8   // 64-bit words per slice: 4 (Float) or 8 (Double)
        let perPair = words / 4
        // The sign bits of every value in a word, cleared so that −0 counts as zero.
        let magnitude: UInt64 = MemoryLayout<T>.size == 4 ? 0x7FFF_FFFF_7FFF_FFFF : 0x7FFF_FFFF_FFFF_FFFF
        var terms = Terms(lists)
        for p in 0..<kb {
            let s = UnsafeRawPointer(src + p * stride), t = UnsafeMutableRawPointer(d + p * mr)
            var q0: UInt64 = 0, q1: UInt64 = 0, q2: UInt64 = 0, q3: UInt64 = 0
            for w in 0..<words {
                let v = s.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self)
                t.storeBytes(of: v, toByteOffset: 8 * w, as: UInt64.self)
                switch w / perPair {
                case 0: q0 |= v
                case 1: q1 |= v
                case 2: q2 |= v
                default: q3 |= v
                }
            }
            if lists == nil { continue }
            terms.append(p, q0 & magnitude != 0, q1 & magnitude != 0, q2 & magnitude != 0, q3 & magnitude != 0,
                         pairs: pairs)
        }
        terms.finish(pairs: pairs)
    }

    /// The lists of a packed panel's kept terms being written (see `packA`), term by term.
    struct Terms {
        let lists: UnsafeMutablePointer<Int32>?
        var n0 = 0, n1 = 0, n2 = 0, n3 = 0
        init(_ lists: UnsafeMutablePointer<Int32>?) { self.lists = lists }

        /// Lists term p for the pairs whose rows are not all ±0 (`k0`…`k3`), or for the halves.
        /// Each entry goes to the next free place, which the next term overwrites when this one
        /// was zero: no branch on the data.
        @inline(__always)
        mutating func append(_ p: Int, _ k0: Bool, _ k1: Bool, _ k2: Bool, _ k3: Bool, pairs: Bool) {
            guard let lists else { return }
            let l = lists + 1, e = Int32(p)
            if pairs {
                l[(kc + 1) + n0] = e; n0 += k0 ? 1 : 0
                l[2 * (kc + 1) + n1] = e; n1 += k1 ? 1 : 0
                l[3 * (kc + 1) + n2] = e; n2 += k2 ? 1 : 0
                l[4 * (kc + 1) + n3] = e; n3 += k3 ? 1 : 0
            } else {
                l[n0] = e; n0 += k0 || k1 ? 1 : 0
                l[(kc + 1) + n1] = e; n1 += k2 || k3 ? 1 : 0
            }
        }

        /// Writes the lists' lengths.
        @inline(__always)
        func finish(pairs: Bool) {
            guard let lists else { return }
            if pairs {
                lists[kc + 1] = Int32(n0); lists[2 * (kc + 1)] = Int32(n1)
                lists[3 * (kc + 1)] = Int32(n2); lists[4 * (kc + 1)] = Int32(n3)
            } else {
                lists[0] = Int32(n0); lists[kc + 1] = Int32(n1)
            }
        }
    }

    /// Packs 8 rows of a row-major A as they lie (rows `r0`…`r7`, kb values each from where they
    /// point; a missing row points at `zeroRow`): row i's values at `d[i·pitch ..< i·pitch + kb]`.
    /// The micro-kernel reads term p's 8 values at `d + p` plus constant displacements.
    ///
    /// With a `list`, the terms where any of the 8 values is not ±0 are listed (list[0] = how many,
    /// then their offsets, increasing), and 8 terms whose 64 values are all ±0 are not copied at all.
    /// With `pairs`, the terms are listed for each pair of rows instead (see `packA`).
    /// (A panel with term p's 8 values side by side had to be transposed, by 8×8 register
    /// transposes, which took longer.)
    @inline(__always)
    static func packPitched(_ r0: UnsafePointer<T>, _ r1: UnsafePointer<T>, _ r2: UnsafePointer<T>,
                            _ r3: UnsafePointer<T>,
                            _ r4: UnsafePointer<T>, _ r5: UnsafePointer<T>, _ r6: UnsafePointer<T>,
                            _ r7: UnsafePointer<T>,
                            kb: Int, into d: UnsafeMutablePointer<T>, list: UnsafeMutablePointer<Int32>?, pairs: Bool) {
        let r = (r0, r1, r2, r3, r4, r5, r6, r7)
        packPitched(r, kb: kb, into: d, list: list, pairs: pairs,
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
                            kb: Int, scale: T, into d: UnsafeMutablePointer<T>, list: UnsafeMutablePointer<Int32>?,
                            pairs: Bool) {
        let r = (r0, r1, r2, r3, r4, r5, r6, r7)
        packPitched(r, kb: kb, into: d, list: list, pairs: pairs,
                    load: { r, p in UInt64(littleEndian: UnsafeRawPointer(r + p).loadUnaligned(as: UInt64.self)) },
                    nonzero: { x, y in ByteWords.nonzeroMask(x | y) },
                    values: { w in convert(unsafeBitCast(w.littleEndian, to: SIMD8<UInt8>.self),
                                           scale) }, value: { r, p in T(r[p]) * scale })
    }

    /// The loop of both `packPitched`s: rows of E, read 8 terms at a time as one W (`load(row, p)`)
    /// whose values are `values(w)`, or one value at a time in the tail (`value(row, p)`);
    /// `nonzero(x, y)` gives bit j for term j of two rows' W when one of their values is not ±0.
    @inline(__always)
    static func packPitched<E, W>(_ r: (UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>,
                                        UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>, UnsafePointer<E>),
                                  kb: Int, into d: UnsafeMutablePointer<T>, list: UnsafeMutablePointer<Int32>?,
                                  pairs: Bool, load: (UnsafePointer<E>, Int) -> W, nonzero: (W, W) -> Int,
                                  values: (W) -> SIMD8<T>, value: (UnsafePointer<E>, Int) -> T) {
        @inline(__always) func put(_ w: W, _ i: Int, _ p: Int) {
            UnsafeMutableRawPointer(d + i * pitch + p).storeBytes(of: values(w), as: SIMD8<T>.self)
        }
        // Where the terms of the whole panel, or of pair j, are listed (see `packA`), and how many so far.
        let whole = list.map { $0 + 1 }, pair = list.map { $0 + (kc + 2) }
        var n = 0, n0 = 0, n1 = 0, n2 = 0, n3 = 0
        var p = 0
        while p + 8 <= kb {
            let w = (load(r.0, p), load(r.1, p), load(r.2, p), load(r.3, p), load(r.4, p), load(r.5, p), load(r.6, p),
                     load(r.7, p))
            guard let whole, let pair else {
                put(w.0, 0, p); put(w.1, 1, p); put(w.2, 2, p); put(w.3, 3, p)
                put(w.4, 4, p); put(w.5, 5, p); put(w.6, 6, p); put(w.7, 7, p)
                p += 8
                continue
            }
            // Bit j: term p + j has a value that is not ±0 in the pair's rows.
            let q0 = nonzero(w.0, w.1), q1 = nonzero(w.2, w.3), q2 = nonzero(w.4, w.5), q3 = nonzero(w.6, w.7)
            let kept = q0 | q1 | q2 | q3
            if kept != 0 {
                put(w.0, 0, p); put(w.1, 1, p); put(w.2, 2, p); put(w.3, 3, p)
                put(w.4, 4, p); put(w.5, 5, p); put(w.6, 6, p); put(w.7, 7, p)
                if pairs {
                    appendTerms(q0, from: p, to: pair, count: &n0)
                    appendTerms(q1, from: p, to: pair + (kc + 1), count: &n1)
                    appendTerms(q2, from: p, to: pair + 2 * (kc + 1), count: &n2)
                    appendTerms(q3, from: p, to: pair + 3 * (kc + 1), count: &n3)
                } else {
                    appendTerms(kept, from: p, to: whole, count: &n)
                }
            }
            p += 8
        }
        while p < kb {
            let v = (value(r.0, p), value(r.1, p), value(r.2, p), value(r.3, p), value(r.4, p), value(r.5, p),
                     value(r.6, p), value(r.7, p))
            d[p] = v.0; d[pitch + p] = v.1; d[2 * pitch + p] = v.2; d[3 * pitch + p] = v.3
            d[4 * pitch + p] = v.4; d[5 * pitch + p] = v.5; d[6 * pitch + p] = v.6; d[7 * pitch + p] = v.7
            if let whole, let pair {
                let z0 = v.0 == 0 && v.1 == 0, z1 = v.2 == 0 && v.3 == 0, z2 = v.4 == 0 && v.5 == 0
                let z3 = v.6 == 0 && v.7 == 0
                if pairs {
                    pair[n0] = Int32(p); n0 += z0 ? 0 : 1
                    pair[(kc + 1) + n1] = Int32(p); n1 += z1 ? 0 : 1
                    pair[2 * (kc + 1) + n2] = Int32(p); n2 += z2 ? 0 : 1
                    pair[3 * (kc + 1) + n3] = Int32(p); n3 += z3 ? 0 : 1
                } else {
                    whole[n] = Int32(p); n += z0 && z1 && z2 && z3 ? 0 : 1
                }
            }
            p += 1
        }
        guard let list else { return }
        if pairs {
            list[kc + 1] = Int32(n0); list[2 * (kc + 1)] = Int32(n1)
            list[3 * (kc + 1)] = Int32(n2); list[4 * (kc + 1)] = Int32(n3)
        } else {
            list[0] = Int32(n)
        }
    }

    /// Appends to `terms` (from position n on) the offsets p + j of the set bits j of `mask`
    /// (8 bits), increasing. Each goes to the next free place, which the next one overwrites when
    /// its bit was clear: no branch on the data.
    @inline(__always)
    static func appendTerms(_ mask: Int, from p: Int, to terms: UnsafeMutablePointer<Int32>, count n: inout Int) {
        // The set bits' positions for this mask, then whatever: one store of 8, of which the next
        // append overwrites what is past the count.
        let positions = setBitPositions[mask & 0xFF] &+ SIMD8(repeating: Int32(p))
        UnsafeMutableRawPointer(terms + n).storeBytes(of: positions, as: SIMD8<Int32>.self)
        n += (mask & 0xFF).nonzeroBitCount
    }

    /// `T(byte) · scale` for 8 bytes: the rounding of the data set's own conversion, lane by lane.
    @inline(__always)
    static func convert(_ b: SIMD8<UInt8>, _ scale: T) -> SIMD8<T> {
        SIMD8<T>(SIMD8<Int32>(truncatingIfNeeded: b)) * SIMD8(repeating: scale)
    }

    /// `copySlices` for rows of bytes: slice p is the 8 bytes from `column` on in row `rows[p]`,
    /// converted to `T(byte) · scale`; a half (a pair) is kept when its 4 (2) bytes are not all 0.
    @inline(__always)
    static func copyByteSlices(_ rows: UnsafePointer<UnsafePointer<UInt8>>, column: Int, kb: Int, scale: T,
                               into d: UnsafeMutablePointer<T>,
                               lists: UnsafeMutablePointer<Int32>?, pairs: Bool) {
        var terms = Terms(lists)
        for p in 0..<kb {
            let v = UnsafeRawPointer(rows[p] + column).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(d + p * mr).storeBytes(of: convert(unsafeBitCast(v, to: SIMD8<UInt8>.self), scale),
                                                           as: SIMD8<T>.self)
            if lists == nil { continue }
            // Little-endian: the low bytes are the first rows'.
            terms.append(p, v & 0xFFFF != 0, (v >> 16) & 0xFFFF != 0, (v >> 32) & 0xFFFF != 0, v >> 48 != 0,
                         pairs: pairs)
        }
        terms.finish(pairs: pairs)
    }

    /// Bit j set when lane j of x or of y is not ±0 (an OR of their bits, sign cleared).
    @inline(__always)
    static func nonzeroLanes(_ x: SIMD8<T>, _ y: SIMD8<T>) -> Int {
        MemoryLayout<T>.size == 4 ? nonzeroLanes(x, y, magnitude: UInt32(0x7FFF_FFFF))
            : nonzeroLanes(x, y, magnitude: UInt64(0x7FFF_FFFF_FFFF_FFFF))
    }

    /// The same on the bits as U, the unsigned integer of T's size; `magnitude` masks the sign bit off.
    @inline(__always)
    static func nonzeroLanes<U: FixedWidthInteger & UnsignedInteger & SIMDScalar>(_ x: SIMD8<T>, _ y: SIMD8<T>,
                                                                                   magnitude: U) -> Int {
        @inline(__always) func u(_ v: SIMD8<T>) -> SIMD8<U> { unsafeBitCast(v, to: SIMD8<U>.self) }
        let o = (u(x) | u(y)) & SIMD8(repeating: magnitude)
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
                    if nw == nr {
                        // One or two vectors, moved as they are (a copy call per row cost more).
                        for v in stride(from: 0, to: nr, by: V.scalarCount) {
                            UnsafeMutableRawPointer(row + v).storeBytes(
                                of: UnsafeRawPointer(src + v).loadUnaligned(as: V.self), as: V.self)
                        }
                    } else {
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

/// For each 8-bit mask, the positions of its set bits, increasing, then zeros (`GEMM.appendTerms`).
let setBitPositions: [SIMD8<Int32>] = (0..<256).map { mask in
    var v = SIMD8<Int32>(), n = 0
    for j in 0..<8 where mask >> j & 1 == 1 { v[n] = Int32(j); n += 1 }
    return v
}

/// Zeros that stand in for the missing rows of a partial pitched panel (`GEMM.packPitched`):
/// room for a k-block of Doubles.
nonisolated(unsafe) let zeroRow = UnsafeMutableRawPointer.allocateAligned(byteCount: 8 * 272)
