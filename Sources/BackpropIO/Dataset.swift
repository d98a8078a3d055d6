import BackpropCore
import CSupport
import Foundation

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

    public init(name: String, features: Features, labels: [UInt8], count: Int, d: Int, classes: Int, imageSide: Int?, digest: String) {
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
        // in flight at once, not one row's (a cold gather of 128 rows: 32 → 17 µs; in training,
        // where the rows were also prefetched during the step before, 23 → 16 µs at one thread).
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
    /// scattered over tens of MB, and a gather waiting for each line cost ~30 µs of a 1 ms step).
    public func prefetch(_ indices: some Sequence<Int>) {
        guard case .bytes(let b) = features else { return }
        b.withUnsafeBufferPointer { p in
            for i in indices { Self.prefetchRow(p.baseAddress! + i * d, bytes: d) }
        }
    }

    /// Rows `indices` as a matrix (for the engine and the TUI).
    public func matrix<T: Real>(rows indices: [Int]) -> (X: Matrix<T>, y: Matrix<T>) {
        var X = Matrix<T>(rows: indices.count, cols: d), y = Matrix<T>(rows: indices.count, cols: 1)
        X.storage.withUnsafeMutableBufferPointer { xp in
            y.storage.withUnsafeMutableBufferPointer { yp in gather(indices, rows: 0..<indices.count, x: xp.baseAddress!, y: yp.baseAddress!) }
        }
        return (X, y)
    }
}

/// Train and optional test data, from `--data`.
public struct DataSource: Sendable {
    public var train: Dataset
    public var test: Dataset?

    public static let fashionDefault = "/usr/share/datasets/fashion-mnist"

    public init(train: Dataset, test: Dataset?) { self.train = train; self.test = test }

    /// Resolves `spiral`, `fashion-mnist`, a directory of IDX files, or a CSV file. A CSV file's
    /// numbers are read in `precision`, straight from their digits (bytes are exact either way).
    public static func load(_ spec: String, testData: String? = nil, precision: Precision = .float64) throws(IOError) -> DataSource {
        var src: DataSource
        switch spec {
        case "spiral":
            let s = Spiral.generate()
            let t = Spiral.generate(perClass: 100, seed: 1)
            func ds(_ g: (features: [Float], labels: [UInt8], d: Int), _ n: String) -> Dataset {
                Dataset(name: n, features: .floats(g.features), labels: g.labels, count: g.labels.count, d: g.d, classes: Spiral.defaultClasses,
                        imageSide: nil, digest: SHA256.hex(g.features.withUnsafeBytes { Array($0) } + g.labels))
            }
            src = DataSource(train: ds(s, "spiral"), test: ds(t, "spiral-test"))
        case "fashion-mnist":
            let dir = ProcessInfo.processInfo.environment["FASHION_MNIST_DIR"] ?? fashionDefault
            guard FileManager.default.fileExists(atPath: dir) else {
                throw IOError(dir, "Fashion-MNIST not found; install it with 'apt-get install dataset-fashion-mnist' or set FASHION_MNIST_DIR", kind: .missing)
            }
            src = try idxDirectory(dir, name: "fashion-mnist")
        default:
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: spec, isDirectory: &isDir) else {
                throw IOError(spec, "no such file or folder; expected spiral, fashion-mnist, a folder of IDX files or a CSV file", kind: .missing)
            }
            src = isDir.boolValue ? try idxDirectory(spec, name: (spec as NSString).lastPathComponent)
                                  : DataSource(train: try csv(spec, precision: precision), test: nil)
        }
        if let t = testData {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: t, isDirectory: &isDir) else {
                throw IOError(t, "no such file or folder; expected test data (IDX folder or CSV)", kind: .missing)
            }
            let test = isDir.boolValue ? try idxDirectory(t, name: "test").train : try csv(t, precision: precision)
            guard test.d == src.train.d else { throw IOError(t, "test examples have \(test.d) features; expected \(src.train.d) like the training data") }
            src.test = test
        }
        if let t = src.test {
            if t.classes > src.train.classes {
                throw IOError(testData ?? spec, "test labels go up to \(t.classes - 1); expected classes 0..<\(src.train.classes) as in the training data")
            }
            src.test!.classes = src.train.classes
        }
        return src
    }

    /// A folder with `train-images-idx3-ubyte[.gz]` and `train-labels-idx1-ubyte[.gz]`, optional `t10k-*`.
    static func idxDirectory(_ dir: String, name: String) throws(IOError) -> DataSource {
        func find(_ base: String) -> String? {
            for p in ["\(dir)/\(base).gz", "\(dir)/\(base)"] where FileManager.default.fileExists(atPath: p) { return p }
            return nil
        }
        guard let ti = find("train-images-idx3-ubyte"), let tl = find("train-labels-idx1-ubyte") else {
            throw IOError(dir, "no IDX files; expected train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]", kind: .missing)
        }
        guard let ei = find("t10k-images-idx3-ubyte"), let el = find("t10k-labels-idx1-ubyte") else {
            return DataSource(train: try pair(images: ti, labels: tl, name: name), test: nil)
        }
        // The test files are read on a second thread while this one reads the training files:
        // inflating is serial within a file, and the second core is idle before training starts
        // (Fashion-MNIST's t10k: ~50 ms off the time to the first step). Errors are reported as
        // in a serial read: the training files' first.
        final class Box: @unchecked Sendable { var test: Result<Dataset, IOError>? }
        let box = Box(), done = DispatchSemaphore(value: 0)
        Thread {
            box.test = Result { () throws(IOError) -> Dataset in try pair(images: ei, labels: el, name: name + "-t10k") }
            done.signal()
        }.start()
        let train = Result { () throws(IOError) -> Dataset in try pair(images: ti, labels: tl, name: name) }
        done.wait()
        return DataSource(train: try train.get(), test: try box.test!.get())
    }

    static func pair(images: String, labels: String, name: String) throws(IOError) -> Dataset {
        let im = try IDXArray.load(images), lb = try IDXArray.load(labels)
        guard im.dims.count >= 2 else { throw IOError(images, "images have dims \(im.dims); expected count × rows × cols") }
        guard lb.dims.count == 1 else { throw IOError(labels, "labels have dims \(lb.dims); expected a single dimension") }
        guard im.dims[0] == lb.dims[0] else {
            throw IOError(labels, "\(lb.dims[0]) labels for \(im.dims[0]) images in \(images); expected equal counts")
        }
        guard im.dims[0] > 0 else { throw IOError(images, "no examples; expected at least one") }
        let n = im.dims[0]
        let d = im.dims.dropFirst().reduce(1, *)
        let maxLabel = Int(lb.bytes.max() ?? 0)
        // Fashion-MNIST and MNIST have 10 classes; a label past that in such a file is corrupt.
        let classes = name.hasPrefix("fashion-mnist") || d == 784 ? 10 : maxLabel + 1
        if let bad = lb.bytes.firstIndex(where: { Int($0) >= classes }) {
            throw IOError(labels, "label \(lb.bytes[bad]) at index \(bad) is not below \(classes); expected classes 0..<\(classes)")
        }
        // The digest of the files' decompressed bytes, header by header (no 47 MB copy of the data).
        var h = SHA256(); h.update(im.header); h.update(im.bytes); h.update(lb.header); h.update(lb.bytes)
        let side = im.dims.count == 3 && im.dims[1] == im.dims[2] ? im.dims[1] : nil
        return Dataset(name: name, features: .bytes(im.bytes), labels: lb.bytes, count: n, d: d, classes: classes,
                       imageSide: side, digest: h.finalize().map { String(format2: $0) }.joined())
    }

    static func csv(_ path: String, precision: Precision) throws(IOError) -> Dataset {
        let bytes = try FileBytes.read(path)
        let p = try CSV.parse(bytes, file: path, precision: precision)
        let classes = (p.labels.max() ?? 0) + 1
        guard classes >= 2 else { throw IOError(path, "only one class (label 0); expected at least two") }
        // Labels are kept as bytes: more than 256 classes would be silently clamped.
        guard classes <= 256 else { throw IOError(path, "labels go up to \(classes - 1); expected at most 256 classes (0 to 255)") }
        var data = Dataset(name: (path as NSString).lastPathComponent, features: p.features, labels: p.labels.map { UInt8($0) },
                           count: p.labels.count, d: p.d, classes: classes, imageSide: nil, digest: SHA256.hex(bytes))
        data.columnNames = p.header
        return data
    }
}
