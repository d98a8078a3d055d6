/// The epilogues GEMM applies to a finished tile: relu, the relu mask, the SGD update.
extension GEMM {
    /// `W ← W − ε (g + (2W)·λ)` for one tile of gradients g (row stride nr), as `SGD.update` does.
    @inline(__always)
    static func applySGD(_ e: GEMMEpilogue<T>, tile g: UnsafeMutablePointer<T>, nr: Int, rows: Range<Int>,
                         cols: Range<Int>, ldw: Int, n: Int) {
        guard case let .sgd(w, lambda, lr, nonFinite, squares, gradSquares) = e else { return }
        let colTiles = (n + nr - 1) / nr, rowTile = rows.lowerBound / mr, colTile = cols.lowerBound / nr
        let tileIndex = rowTile * colTiles + colTile
        let square = GEMMEpilogue<T>.gradSquaresIndex(rowTile: rowTile, colTile: colTile, colTiles: colTiles)
        let bad: Bool
        switch (squares, gradSquares) {
        case (let sums?, nil):
            bad = sgdTile(Squared.self, Plain.self, w, g, nr: nr, rows: rows, cols: cols, ldw: ldw, lambda: lambda,
                          lr: lr, sums: sums + (rows.lowerBound / Reduce.blockRows) * n, gradSum: w)
        case (let sums?, let gs?):
            bad = sgdTile(Squared.self, Squared.self, w, g, nr: nr, rows: rows, cols: cols, ldw: ldw,
                          lambda: lambda, lr: lr, sums: sums + (rows.lowerBound / Reduce.blockRows) * n,
                          gradSum: gs + square)
        case (nil, let gs?):
            bad = sgdTile(Plain.self, Squared.self, w, g, nr: nr, rows: rows, cols: cols, ldw: ldw,
                          lambda: lambda, lr: lr, sums: w, gradSum: gs + square)
        case (nil, nil):
            // (sums unused)
            bad = sgdTile(Plain.self, Plain.self, w, g, nr: nr, rows: rows, cols: cols, ldw: ldw, lambda: lambda,
                          lr: lr, sums: w, gradSum: w)
        }
        if bad { nonFinite[tileIndex] = 1 }
    }

    /// The SGD step on one tile (gradients `g`, row stride nr), column run by column run, down the
    /// rows; true if a gradient was NaN or ±Inf. With S `Squared`, also adds the squares of the
    /// updated weights to their block's column sums `sums` (see `GEMMEpilogue.sgd`), down the rows
    /// in order from +0 at the block's first row, as `Reduce.blockColumns` does; a tile's rows lie
    /// in one block. With G `Squared`, the tile's Σ gradient² goes to `gradSum`, and stands in for
    /// the NaN test (two operations an element fewer): a NaN or ±Inf makes it NaN or +Inf, but so
    /// does a sum past T's range, a false alarm the caller allows for (`FusedWatch` makes an update
    /// with a gradient "not finite" again on the engine, which reads it exactly). (Types, not Bools,
    /// so that each variant is compiled without the others' branches: an optional tested per
    /// element became masked loads through it even when nil.)
    @inline(__always)
    static func sgdTile<S: SquaresMode, G: SquaresMode>(_: S.Type, _: G.Type, _ w: UnsafeMutablePointer<T>,
                                                        _ g: UnsafeMutablePointer<T>, nr: Int, rows: Range<Int>,
                                                        cols: Range<Int>, ldw: Int, lambda: T, lr: T,
                                                        sums: UnsafeMutablePointer<T>,
                                                        gradSum: UnsafeMutablePointer<T>) -> Bool {
        // Vectors over whole runs of V.scalarCount columns, the same operations lane by lane (no
        // contraction into FMAs, so the bits equal SGD.update's); a scalar loop for the rest.
        // grad·0 is 0 for a finite gradient and NaN otherwise: one NaN test per tile, not per element.
        let wv = V.scalarCount
        let two = V(repeating: 2), lam = V(repeating: lambda), rate = V(repeating: lr)
        let fresh = rows.lowerBound % Reduce.blockRows == 0
        let w0 = w + rows.lowerBound * ldw + cols.lowerBound, s0 = sums + cols.lowerBound
        var check = V(), gradAcc = V(), gradTail: T = 0
        var bad = false
        var j = 0
        while j + wv <= cols.count {
            var acc = !S.on || fresh ? V() : UnsafeRawPointer(s0 + j).loadUnaligned(as: V.self)
            for i in 0..<rows.count {
                let wp = w0 + i * ldw + j
                let wj = UnsafeRawPointer(wp).loadUnaligned(as: V.self)
                let grad = UnsafeRawPointer(g + i * nr + j).loadUnaligned(as: V.self) + (two * wj) * lam
                if G.on { gradAcc = gradAcc + grad * grad } else { check = check + grad * V() }
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
                if G.on { gradTail = gradTail + grad * grad }
                let updated = wp.pointee - lr * grad
                wp.pointee = updated
                if S.on { acc = acc + updated * updated }
            }
            if S.on { s0[j] = acc }
            j += 1
        }
        guard G.on else { return bad || check.sum().isNaN }
        let squares = gradAcc.sum() + gradTail
        gradSum.pointee = squares
        return bad || !squares.isFinite
    }

    @inline(__always)
    static func applyEpilogue(_ e: GEMMEpilogue<T>, c: UnsafeMutablePointer<T>, ldc: Int, rows: Range<Int>,
                              cols: Range<Int>) {
        switch e {
        case .none: return
        case .reluCopy(let out):
            for i in rows { for j in cols { let v = c[i * ldc + j]; out[i * ldc + j] = v > 0 ? v : 0 } }
        case .reluMask(let mask):
            for i in rows { for j in cols where !(mask[i * ldc + j] > 0) { c[i * ldc + j] = 0 } }
        case .sgd: return   // handled where the tile is made
        }
    }
}
