/// Packing scratch for one thread: grows to the largest product it has seen, then is reused.
public final class GEMMWorkspace: @unchecked Sendable {
    private var raw: UnsafeMutableRawPointer?
    private var bytes = 0

    public init() {}
    deinit { raw?.deallocate() }

    /// Packed-A, packed-B and edge-tile buffers for a product with `n` columns of C, and the
    /// lists of kept k-slices of each A panel (see `GEMM.packA`).
    func buffers<T>(_: T.Type, n: Int) -> (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>,
                                           UnsafeMutablePointer<Int32>) {
        // GEMM's blocking (the same for every vector type); a wide tile is two 64-byte vectors.
        typealias G = GEMM<SIMD16<Float>>
        let nr = 64 / MemoryLayout<T>.stride * 2
        let aCount = G.mc * G.pitch   // panels of mr rows, `pitch` apart when pitched, else kb ≤ kc
        let bCount = ((n + nr - 1) / nr) * nr * G.kc
        let tCount = G.mr * nr
        let iCount = (G.mc / G.mr) * G.listsPerPanel
        let floats = (aCount + bCount + tCount) * MemoryLayout<T>.stride
        let need = floats + iCount * MemoryLayout<Int32>.stride
        if need > bytes {
            raw?.deallocate()
            raw = .allocateAligned(byteCount: need)
            bytes = need
        }
        let base = raw!.bindMemory(to: T.self, capacity: aCount + bCount + tCount)
        let index = (raw! + floats).bindMemory(to: Int32.self, capacity: iCount)
        return (base, base + aCount, base + aCount + bCount, index)
    }
}

extension UnsafeMutableRawPointer {
    static func allocateAligned(byteCount: Int) -> UnsafeMutableRawPointer {
        let p = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        p.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        return p
    }
}
