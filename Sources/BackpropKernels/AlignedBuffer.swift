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
}
