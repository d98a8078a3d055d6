/// The register-blocked micro-kernels.
extension GEMM {
    /// The register-blocked micro-kernel: an 8 × nr tile of C in 16 (wide) or 8 vector accumulators.
    ///
    /// Dense: the terms p = 0..<count in order. Sparse: the terms `list[0..<count]` (increasing k
    /// offsets), with A as rows (a pitched panel). B's row p is at `b[p·ldb]`.
    /// A is a packed panel (row i of term p at `a[p·8 + i]`) or rows (`a[i·lda + p]`): in place, or a
    /// pitched panel, whose `lda` is the constant `pitch`.
    @inline(__always)
    static func micro<W: TileWidth, S: TermOrder, L: PanelLayout>(_: W.Type, _: S.Type, _: L.Type, _ count: Int,
                                                                  _ list: UnsafePointer<Int32>,
                                                                  _ a: UnsafePointer<T>, _ lda: Int,
                                                                  _ b: UnsafePointer<T>, _ ldb: Int,
                                                                  _ c: UnsafeMutablePointer<T>, _ ldc: Int,
                                                                  _ acc: Bool) {
        let w = V.scalarCount, wide = W.wide, sparse = S.sparse, inPlace = L.inPlace
        @inline(__always) func ld(_ p: UnsafePointer<T>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func st(_ v: V, _ p: UnsafeMutablePointer<T>) {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
        }
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
        var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
        if acc {
            c00 = ld(c); c10 = ld(c + ldc); c20 = ld(c + 2 * ldc); c30 = ld(c + 3 * ldc)
            c40 = ld(c + 4 * ldc); c50 = ld(c + 5 * ldc); c60 = ld(c + 6 * ldc); c70 = ld(c + 7 * ldc)
            if wide {
                c01 = ld(c + w); c11 = ld(c + ldc + w); c21 = ld(c + 2 * ldc + w)
                c31 = ld(c + 3 * ldc + w); c41 = ld(c + 4 * ldc + w); c51 = ld(c + 5 * ldc + w)
                c61 = ld(c + 6 * ldc + w); c71 = ld(c + 7 * ldc + w)
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
            let a0 = V(repeating: ap[0]), a1 = V(repeating: ap[s])
            let a2 = V(repeating: ap[2 * s]), a3 = V(repeating: ap[3 * s])
            let a4 = V(repeating: ap[4 * s]), a5 = V(repeating: ap[5 * s])
            let a6 = V(repeating: ap[6 * s]), a7 = V(repeating: ap[7 * s])
            let b0 = ld(bp)
            c00 = c00.addingProduct(a0, b0); c10 = c10.addingProduct(a1, b0); c20 = c20.addingProduct(a2,
                b0); c30 = c30.addingProduct(a3, b0)
            c40 = c40.addingProduct(a4, b0); c50 = c50.addingProduct(a5, b0); c60 = c60.addingProduct(a6,
                b0); c70 = c70.addingProduct(a7, b0)
            if wide {
                let b1 = ld(bp + w)
                c01 = c01.addingProduct(a0, b1); c11 = c11.addingProduct(a1, b1); c21 = c21.addingProduct(a2,
                    b1); c31 = c31.addingProduct(a3, b1)
                c41 = c41.addingProduct(a4, b1); c51 = c51.addingProduct(a5, b1); c61 = c61.addingProduct(a6,
                    b1); c71 = c71.addingProduct(a7, b1)
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
                                        _ b: UnsafePointer<T>, _ ldb: Int, _ c: UnsafeMutablePointer<T>, _ ldc: Int,
                                        _ acc: Bool) {
        let w = V.scalarCount, wide = W.wide
        @inline(__always) func ld(_ p: UnsafePointer<T>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        var (c00, c01, c10, c11, c20, c21, c30, c31) = loadTile4(c, ldc, acc, wide: wide)
        let terms = list + 1
        for q in 0..<Int(list[0]) {
            let p = Int(terms[q])
            let ap = a + p * mr, bp = b + p * ldb
            let a0 = V(repeating: ap[0]), a1 = V(repeating: ap[1]), a2 = V(repeating: ap[2]), a3 = V(repeating: ap[3])
            let b0 = ld(bp)
            c00 = c00.addingProduct(a0, b0); c10 = c10.addingProduct(a1, b0); c20 = c20.addingProduct(a2,
                b0); c30 = c30.addingProduct(a3, b0)
            if wide {
                let b1 = ld(bp + w)
                c01 = c01.addingProduct(a0, b1); c11 = c11.addingProduct(a1, b1); c21 = c21.addingProduct(a2,
                    b1); c31 = c31.addingProduct(a3, b1)
            }
        }
        storeTile4((c00, c01, c10, c11, c20, c21, c30, c31), c, ldc, wide: wide)
    }

    /// The micro-kernel for 4 rows of a pitched panel (`Rows`: row i of term t at `a[i·pitch + t]`)
    /// or of a packed one (`Packed`: at `a[t·8 + i]`) as two pairs of rows, each over its own list
    /// of kept terms (`lists[1...lists[0]]` for rows 0–1, the list kc + 1 entries on for rows 2–3;
    /// see `packA`): a 4 × nr wide tile of C in 8 vector accumulators. The two lists are walked
    /// side by side, so that 8 independent chains keep the FMA units busy, then the longer one's
    /// tail alone. A pair leaves out every term where both its rows are ±0, which 8 rows share far
    /// less often: on Fashion-MNIST, 58% of X's terms are kept instead of 67%, and 61% of a hidden
    /// layer's instead of 77%. B comes packed (see `blocked`), nr apart: it reads two of B's rows per term.
    @inline(__always)
    static func microPairs<L: PanelLayout>(_: L.Type, _ lists: UnsafePointer<Int32>, _ a: UnsafePointer<T>,
                                           _ b: UnsafePointer<T>, _ c: UnsafeMutablePointer<T>, _ ldc: Int,
                                           _ acc: Bool) {
        let w = V.scalarCount, nr = 2 * w   // B is packed: its rows are a wide tile's width apart
        // Distances between a term's rows, and between terms.
        let row = L.inPlace ? pitch : 1, term = L.inPlace ? 1 : mr
        @inline(__always) func ld(_ p: UnsafePointer<T>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        var (c00, c01, c10, c11, c20, c21, c30, c31) = loadTile4(c, ldc, acc, wide: true)
        let top = lists + 1, bottom = lists + (kc + 2)
        let nt = Int(lists[0]), nb = Int(lists[kc + 1]), both = min(nt, nb)
        for q in 0..<both {
            let s = Int(top[q]), t = Int(bottom[q])
            let a0 = V(repeating: a[s * term]), a1 = V(repeating: a[row + s * term])
            let a2 = V(repeating: a[2 * row + t * term]), a3 = V(repeating: a[3 * row + t * term])
            let bs = b + s * nr, bt = b + t * nr
            let b0 = ld(bs), b1 = ld(bs + w), b2 = ld(bt), b3 = ld(bt + w)
            c00 = c00.addingProduct(a0, b0); c01 = c01.addingProduct(a0, b1)
            c10 = c10.addingProduct(a1, b0); c11 = c11.addingProduct(a1, b1)
            c20 = c20.addingProduct(a2, b2); c21 = c21.addingProduct(a2, b3)
            c30 = c30.addingProduct(a3, b2); c31 = c31.addingProduct(a3, b3)
        }
        for q in both..<nt {
            let s = Int(top[q])
            let a0 = V(repeating: a[s * term]), a1 = V(repeating: a[row + s * term])
            let bs = b + s * nr
            let b0 = ld(bs), b1 = ld(bs + w)
            c00 = c00.addingProduct(a0, b0); c01 = c01.addingProduct(a0, b1)
            c10 = c10.addingProduct(a1, b0); c11 = c11.addingProduct(a1, b1)
        }
        for q in both..<nb {
            let t = Int(bottom[q])
            let a2 = V(repeating: a[2 * row + t * term]), a3 = V(repeating: a[3 * row + t * term])
            let bt = b + t * nr
            let b2 = ld(bt), b3 = ld(bt + w)
            c20 = c20.addingProduct(a2, b2); c21 = c21.addingProduct(a2, b3)
            c30 = c30.addingProduct(a3, b2); c31 = c31.addingProduct(a3, b3)
        }
        storeTile4((c00, c01, c10, c11, c20, c21, c30, c31), c, ldc, wide: true)
    }

    /// The accumulators of a 4 × nr tile of C (rows ldc apart; the second vector of each row only
    /// when `wide`), row by row, two vectors per row: C's values when `acc`, else zeros.
    @inline(__always)
    static func loadTile4(_ c: UnsafeMutablePointer<T>, _ ldc: Int, _ acc: Bool,
                          wide: Bool) -> (V, V, V, V, V, V, V, V) {
        guard acc else { return (V(), V(), V(), V(), V(), V(), V(), V()) }
        let w = V.scalarCount
        @inline(__always) func ld(_ p: UnsafePointer<T>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func second(_ p: UnsafePointer<T>) -> V { wide ? ld(p + w) : V() }
        return (ld(c), second(c), ld(c + ldc), second(c + ldc), ld(c + 2 * ldc), second(c + 2 * ldc),
                ld(c + 3 * ldc), second(c + 3 * ldc))
    }

    /// Stores a 4 × nr tile's accumulators (in `loadTile4`'s order) into C.
    @inline(__always)
    static func storeTile4(_ t: (V, V, V, V, V, V, V, V), _ c: UnsafeMutablePointer<T>, _ ldc: Int, wide: Bool) {
        let w = V.scalarCount
        @inline(__always) func st(_ v: V, _ p: UnsafeMutablePointer<T>) {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
        }
        st(t.0, c); st(t.2, c + ldc); st(t.4, c + 2 * ldc); st(t.6, c + 3 * ldc)
        if wide { st(t.1, c + w); st(t.3, c + ldc + w); st(t.5, c + 2 * ldc + w); st(t.7, c + 3 * ldc + w) }
    }
}
