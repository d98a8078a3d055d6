import BackpropCore
import CSupport

/// Examples for training or testing: features (kept as bytes for images) and class labels.
public struct Dataset: Sendable {
    public enum Features: Sendable {
        /// Unsigned bytes scaled by 1/255 when a minibatch is built (images: 4× less memory than floats).
        case bytes([UInt8])
        case floats([Float])
        /// Numbers as a float64 run reads them from a CSV file: every digit the file gives is kept.
        case doubles([Double])
    }
    public var name: String
    public var features: Features
    public var labels: [UInt8]
    public var count: Int
    public var d: Int
    public var classes: Int
    /// Image side length when the examples are square images (28 for Fashion-MNIST).
    public var imageSide: Int?
    /// SHA-256 of the decompressed bytes the data came from (for identity in files we write).
    public var digest: String
    /// A CSV file's header row (label first), as written: untrusted text, shown escaped.
    public var columnNames: [String]?

    public init(name: String, features: Features, labels: [UInt8], count: Int, d: Int, classes: Int, imageSide: Int?,
                digest: String) {
        self.name = name; self.features = features; self.labels = labels; self.count = count
        self.d = d; self.classes = classes; self.imageSide = imageSide; self.digest = digest
    }

    /// What a feature byte is multiplied by: images are scaled to [0, 1].
    @inline(__always)
    public static func byteScale<T: Real>() -> T { 1 / 255 }

    /// Calls `body` with the features' bytes (example e's at `e·d`) when they are bytes, else with nil.
    public func withFeatureBytes<R>(_ body: (UnsafePointer<UInt8>?) throws -> R) rethrows -> R {
        guard case .bytes(let b) = features else { return try body(nil) }
        return try b.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// Writes the labels of examples `indices` (in order) into y.
    public func gatherLabels<T: Real>(_ indices: some Sequence<Int>, y: UnsafeMutablePointer<T>) {
        labels.withUnsafeBufferPointer { l in
            for (r, e) in indices.enumerated() { y[r] = T(l[e]) }
        }
    }

    /// Writes examples `indices[r]` for r in `rows` as rows r of X (d columns) and their labels into y.
    /// One buffer access per call, not per row: threads call it on disjoint row ranges at once.
    public func gather<T: Real>(_ indices: some RandomAccessCollection<Int>, rows: Range<Int>,
                                x: UnsafeMutablePointer<T>, y: UnsafeMutablePointer<T>) {
        func example(_ r: Int) -> Int { indices[indices.index(indices.startIndex, offsetBy: r)] }
        gatherLabels(indices.dropFirst(rows.lowerBound).prefix(rows.count), y: y + rows.lowerBound)
        // The rows lie scattered over tens of MB: while one row is converted, the row
        // `gatherAhead` further on is already being fetched, so that several rows' cache misses are
        // in flight at once, not one row's.
        @inline(__always) func copyRows<S>(_ p: UnsafePointer<S>, _ convert: (S) -> T) {
            let ahead = Self.gatherAhead, bytes = d * MemoryLayout<S>.stride
            for r in rows.prefix(ahead) { Self.prefetchRow(p + example(r) * d, bytes: bytes) }
            for r in rows {
                if r + ahead < rows.upperBound { Self.prefetchRow(p + example(r + ahead) * d, bytes: bytes) }
                let src = p + example(r) * d, dst = x + r * d
                for j in 0..<d { dst[j] = convert(src[j]) }
            }
        }
        switch features {
        case .bytes(let b): b.withUnsafeBufferPointer { copyRows($0.baseAddress!) { T($0) * Self.byteScale() } }
        case .floats(let f): f.withUnsafeBufferPointer { copyRows($0.baseAddress!) { T($0) } }
        case .doubles(let f): f.withUnsafeBufferPointer { copyRows($0.baseAddress!) { T($0) } }
        }
    }

    /// Writes examples `indices` as the rows of x and their labels into y, buffers of room for them
    /// (x empty when d is 0).
    public func gather<T: Real>(_ indices: some RandomAccessCollection<Int>, into x: UnsafeMutableBufferPointer<T>,
                                labels y: UnsafeMutableBufferPointer<T>) {
        guard let yb = y.baseAddress else { return }
        if let xb = x.baseAddress { gather(indices, rows: 0..<indices.count, x: xb, y: yb) } else {
            gatherLabels(indices, y: yb)
        }
    }

    /// How many rows ahead `gather` fetches (4 and 8 measured alike, 2 and 16 slower).
    static let gatherAhead = 4

    /// Starts loading the `bytes` at `row` into the cache.
    @inline(__always)
    static func prefetchRow<S>(_ row: UnsafePointer<S>, bytes: Int) {
        let start = UnsafeRawPointer(row)
        var offset = 0
        while offset < bytes { bp_prefetch(start + offset); offset += 64 }
        bp_prefetch(start + (bytes - 1))
    }

    /// Starts loading examples `indices` into the cache (the next minibatch: its rows are
    /// scattered over tens of MB, and a gather that waits for each line is a few percent of a step).
    public func prefetch(_ indices: some Sequence<Int>) {
        guard case .bytes(let b) = features else { return }
        b.withUnsafeBufferPointer { p in
            for i in indices { Self.prefetchRow(p.baseAddress! + i * d, bytes: d) }
        }
    }

    /// Rows `indices` as a matrix (for the engine and the TUI).
    public func matrix<T: Real>(rows indices: [Int]) -> (X: Matrix<T>, y: Matrix<T>) {
        var y = [T](repeating: 0, count: indices.count)
        // Not zeroed first: the gather writes every entry (zeroing was a pass of its own).
        let x = [T](unsafeUninitializedCapacity: indices.count * d) { xp, n in
            y.withUnsafeMutableBufferPointer { gather(indices, into: xp, labels: $0) }
            n = indices.count * d
        }
        return (Matrix(rows: indices.count, cols: d, x), Matrix(rows: indices.count, cols: 1, y))
    }
}
