import BackpropCore
import Foundation
import BackpropData

/// Train and optional test data, from `--data`.
public struct DataSource: Sendable {
    public var train: Dataset
    public var test: Dataset?

    public static let fashionDefault = "/usr/share/datasets/fashion-mnist"

    public init(train: Dataset, test: Dataset?) { self.train = train; self.test = test }

    /// Resolves `spiral`, `fashion-mnist`, a directory of IDX files, or a CSV file. A CSV file's
    /// numbers are read in `precision`, straight from their digits (bytes are exact either way).
    public static func load(_ spec: String, testData: String? = nil,
                            precision: Precision = .float64) throws(IOError) -> DataSource {
        var src: DataSource
        switch spec {
        case "spiral":
            let s = Spiral.generate()
            let t = Spiral.generate(perClass: 100, seed: 1)
            func ds(_ g: (features: [Float], labels: [UInt8], d: Int), _ n: String) -> Dataset {
                Dataset(name: n, features: .floats(g.features), labels: g.labels, count: g.labels.count, d: g.d,
                        classes: Spiral.defaultClasses,
                        imageSide: nil, digest: SHA256.hex(g.features.withUnsafeBytes { Array($0) } + g.labels))
            }
            src = DataSource(train: ds(s, "spiral"), test: ds(t, "spiral-test"))
        case "fashion-mnist":
            let dir = ProcessInfo.processInfo.environment["FASHION_MNIST_DIR"] ?? fashionDefault
            guard FileManager.default.fileExists(atPath: dir) else {
                throw IOError(dir,
                              "Fashion-MNIST not found; install it with 'apt-get install dataset-fashion-mnist' or set "
                              + "FASHION_MNIST_DIR", kind: .missing)
            }
            src = try idxDirectory(dir, name: "fashion-mnist")
        default:
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: spec, isDirectory: &isDir) else {
                throw IOError(spec,
                              "no such file or folder; expected spiral, fashion-mnist, a folder of IDX files or a CSV "
                              + "file", kind: .missing)
            }
            src = isDir.boolValue ? try idxDirectory(spec, name: spec.pathLastComponent)
                                  : DataSource(train: try csv(spec, precision: precision), test: nil)
        }
        if let t = testData {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: t, isDirectory: &isDir) else {
                throw IOError(t, "no such file or folder; expected test data (IDX folder or CSV)", kind: .missing)
            }
            src.test = isDir.boolValue ? try idxDirectory(t, name: "test").train : try csv(t, precision: precision)
        }
        // One check for training data of every kind, and for test data wherever they came from
        // (--test-data, or t10k-* found beside the training files).
        guard src.train.classes >= 2 else {
            throw IOError(spec, "only one class (label 0); expected at least two")
        }
        if let t = src.test {
            let where_ = testData ?? "\(spec)/t10k-*"
            guard t.d == src.train.d else {
                throw IOError(where_, "test examples have \(t.d) features; "
                                      + "expected \(src.train.d) like the training data")
            }
            if t.classes > src.train.classes {
                throw IOError(where_,
                              "test labels go up to \(t.classes - 1); expected classes 0..<\(src.train.classes) as in "
                              + "the training data")
            }
            src.test!.classes = src.train.classes
        }
        return src
    }

    /// A folder with `train-images-idx3-ubyte[.gz]` and `train-labels-idx1-ubyte[.gz]`, optional `t10k-*`.
    static func idxDirectory(_ dir: String, name: String) throws(IOError) -> DataSource {
        func find(_ base: String) -> String? {
            for p in ["\(dir)/\(base).gz", "\(dir)/\(base)"] where FileManager.default.fileExists(atPath: p) {
                return p
            }
            return nil
        }
        guard let ti = find("train-images-idx3-ubyte"), let tl = find("train-labels-idx1-ubyte") else {
            throw IOError(dir, "no IDX files; expected train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]",
                          kind: .missing)
        }
        guard let ei = find("t10k-images-idx3-ubyte"), let el = find("t10k-labels-idx1-ubyte") else {
            return DataSource(train: try pair(images: ti, labels: tl, name: name), test: nil)
        }
        // The test files are read on a second thread while this one reads the training files:
        // inflating is serial within a file, and the second core is idle before training starts.
        // Errors are reported as
        // in a serial read: the training files' first.
        final class Box: @unchecked Sendable { var test: Result<Dataset, IOError>? }
        let box = Box(), done = DispatchSemaphore(value: 0)
        Thread {
            box.test = Result {
                () throws(IOError) -> Dataset in try pair(images: ei, labels: el, name: name + "-t10k")
            }
            done.signal()
        }.start()
        let train = Result { () throws(IOError) -> Dataset in try pair(images: ti, labels: tl, name: name) }
        done.wait()
        return DataSource(train: try train.get(), test: try box.test!.get())
    }

    static func pair(images: String, labels: String, name: String) throws(IOError) -> Dataset {
        // The labels first (small): the images' header is then checked against them before the
        // images are inflated, so a file that declares the wrong size costs nothing.
        let lb = try IDXArray.load(labels)
        guard lb.dims.count == 1 else {
            throw IOError(labels, "labels have dims \(lb.dims); expected a single dimension")
        }
        let im = try IDXArray.load(images) { (dims: [Int]) throws(IOError) in
            guard dims.count >= 2 else {
                throw IOError(images, "images have dims \(dims); expected count × rows × cols")
            }
            guard dims[0] == lb.dims[0] else {
                throw IOError(labels, "\(lb.dims[0]) labels for \(dims[0]) images in \(images); expected equal counts")
            }
        }
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
            throw IOError(labels,
                          "label \(lb.bytes[bad]) at index \(bad) is not below \(classes); expected classes "
                          + "0..<\(classes)")
        }
        // The digest of the files' decompressed bytes, header by header (no 47 MB copy of the data).
        var h = SHA256(); h.update(im.header); h.update(im.bytes); h.update(lb.header); h.update(lb.bytes)
        let side = im.dims.count == 3 && im.dims[1] == im.dims[2] ? im.dims[1] : nil
        return Dataset(name: name, features: .bytes(im.bytes), labels: lb.bytes, count: n, d: d, classes: classes,
                       imageSide: side, digest: h.finalize().map { String(hexByte: $0) }.joined())
    }

    static func csv(_ path: String, precision: Precision) throws(IOError) -> Dataset {
        let bytes = try FileBytes.read(path)
        let p = try CSV.parse(bytes, file: path, precision: precision)
        let classes = (p.labels.max() ?? 0) + 1
        // Labels are kept as bytes: more than 256 classes would be silently clamped.
        guard classes <= 256 else {
            throw IOError(path, "labels go up to \(classes - 1); expected at most 256 classes (0 to 255)")
        }
        var data = Dataset(name: path.pathLastComponent, features: p.features,
                           labels: p.labels.map { UInt8($0) },
                           count: p.labels.count, d: p.d, classes: classes, imageSide: nil, digest: SHA256.hex(bytes))
        data.columnNames = p.header
        return data
    }
}
