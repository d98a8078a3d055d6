/// Packing scratch for one thread: grows to the largest product it has seen, then is reused.
public final class GEMMWorkspace: @unchecked Sendable {
    private var raw: UnsafeMutableRawPointer?
    private var bytes = 0

    public init() {}
    deinit { raw?.deallocate() }

    /// Packed-A, packed-B and edge-tile buffers for a product with `n` columns of C, and the
    /// lists of kept k-slices of each A panel (see `GEMM.packA`).
    func buffers<T>(_: T.Type, n: Int) -> (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<Int32>) {
        let mr = 8, kc = 256, mc = 128, nr = 64 / MemoryLayout<T>.stride * 2
        let aCount = mc * (kc + 16)   // pitched panels: mr rows of GEMM.pitch each
        let bCount = ((n + nr - 1) / nr) * nr * kc
        let tCount = mr * nr
        let iCount = (mc / mr) * 2 * (kc + 1)   // GEMM.listsPerPanel per panel
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
