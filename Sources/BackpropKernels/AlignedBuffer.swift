/// A fixed-size buffer that starts on a cache line.
///
/// Threads split the trainer's matrices by columns on tile boundaries (multiples of 128 bytes); with
/// the rows starting on lines too, no cache line is written by both cores. Swift arrays start 32
/// bytes into a 16-byte aligned allocation, so a split could fall inside a line of every row
/// (false sharing, depending on where malloc put an array).
public final class AlignedBuffer<T>: @unchecked Sendable {
    public let count: Int
    public let base: UnsafeMutablePointer<T>

    public init(repeating value: T, count: Int) {
        self.count = count
        base = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<T>.stride, alignment: 64)
            .bindMemory(to: T.self, capacity: max(1, count))
        base.initialize(repeating: value, count: count)
    }

    public convenience init(_ values: [T]) {
        self.init(repeating: values[0], count: values.count)
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: count) }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// A copy of the contents.
    public var array: [T] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Stored columns for a row-major matrix of `columns` Ts whose rows should start on cache lines
    /// and not all fall in the same few cache sets: a whole, odd number of 64-byte lines. A product
    /// that reads such a matrix down its rows at a 1 KB stride (G' in Xᵀ G', 256 Floats a row)
    /// met the same 8 of L1's 64 sets on every row; 17 lines a row spread them over all of them.
    public static func paddedColumns(_ columns: Int) -> Int {
        let size = MemoryLayout<T>.stride
        precondition(64 % size == 0)
        var lines = (columns * size + 63) / 64
        if lines % 2 == 0 { lines += 1 }
        return lines * 64 / size
    }
}
