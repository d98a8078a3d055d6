extension Matrix {
    /// Where the elements lie (nil when there are none): how `Kernels.vouchedFinite` and
    /// `Kernels.byteMatrix` recognise the matrices an executor told them of. Storage that is not
    /// written keeps its address, copies of the matrix included.
    public var address: UnsafeRawPointer? {
        storage.withUnsafeBufferPointer { $0.baseAddress.map { UnsafeRawPointer($0) } }
    }
}
