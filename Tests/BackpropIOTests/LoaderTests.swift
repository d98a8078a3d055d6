import Testing
import Foundation
@testable import BackpropIO
import CZlib
import BackpropCore
import BackpropData

func tempDir() -> String {
    let p = NSTemporaryDirectory() + "bptest-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
}

/// gzip through zlib's own writer, so the tests do not depend on a gzip binary.
func gzipped(_ bytes: [UInt8]) -> [UInt8] {
    let path = tempDir() + "/x.gz"
    let f = gzopen(path, "wb")!
    _ = bytes.withUnsafeBytes { gzwrite(f, $0.baseAddress, UInt32(bytes.count)) }
    gzclose(f)
    return Array(FileManager.default.contents(atPath: path)!)
}

func write(_ bytes: [UInt8], _ path: String) {
    precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot write the fixture \(path)")
}

func expectIOError(_ contains: String, kind: IOError.Kind = .badData, _ body: () throws -> Void) {
    do { try body(); Issue.record("expected an error containing '\(contains)'") } catch let e as IOError {
        #expect(e.message.contains(contains), "\(e)")
        #expect(e.kind == kind, "\(e)")
        #expect(!e.description.contains("\n"))
    } catch { Issue.record("unexpected \(error)") }
}

struct IDXTests {
    let images = IDXArray(dims: [3, 2, 2], bytes: Array(0..<12))
    let labels = IDXArray(dims: [3], bytes: [0, 1, 9])

    @Test func roundTripPlainAndGzip() throws {
        let dir = tempDir()
        write(images.encoded, dir + "/a")
        write(gzipped(images.encoded), dir + "/b.gz")
        #expect(try IDXArray.load(dir + "/a") == images)
        #expect(try IDXArray.load(dir + "/b.gz") == images)
    }

    @Test func badInputs() {
        let dir = tempDir()
        var e = images.encoded
        write(Array(e.dropLast(3)), dir + "/trunc")
        expectIOError("truncated") { _ = try IDXArray.load(dir + "/trunc") }
        e[0] = 7; write(e, dir + "/magic")
        expectIOError("bad magic number") { _ = try IDXArray.load(dir + "/magic") }
        var g = gzipped(images.encoded); g[g.count - 6] ^= 0xFF   // the CRC32 trailer
        write(g, dir + "/crc.gz")
        expectIOError("gzip data error") { _ = try IDXArray.load(dir + "/crc.gz") }
        write(Array(gzipped(images.encoded).dropLast(12)), dir + "/short.gz")
        expectIOError("truncated gzip") { _ = try IDXArray.load(dir + "/short.gz") }
        write(IDXArray(dims: [1, 1, 1, 1, 1], bytes: [1]).encoded, dir + "/rank")
        expectIOError("rank 5; expected 1 to 4") { _ = try IDXArray.load(dir + "/rank") }
        expectIOError("no such file", kind: .missing) { _ = try IDXArray.load(dir + "/nope") }
        // A header declaring 2^31 bytes in a tiny file fails without allocating for it.
        write([0, 0, 8, 1, 0x7F, 0xFF, 0xFF, 0xFF, 1, 2], dir + "/huge")
        expectIOError("declare too many elements") { _ = try IDXArray.load(dir + "/huge") }
        write([0, 0, 8, 1, 0, 0, 0, 1] + [UInt8](repeating: 1, count: 9), dir + "/long")
        expectIOError("has trailing bytes") { _ = try IDXArray.load(dir + "/long") }
        // gzip output is capped at what the header implies: 12 declared, 1 MB of zeros follow.
        write(gzipped(IDXArray(dims: [12], bytes: Array(repeating: 0, count: 12)).encoded + [UInt8](repeating: 0, count: 1 << 20)), dir + "/bomb.gz")
        expectIOError("decompresses to more than") { _ = try IDXArray.load(dir + "/bomb.gz") }
    }

    @Test func folderPairsAreChecked() throws {
        let dir = tempDir()
        write(images.encoded, dir + "/train-images-idx3-ubyte")
        write(gzipped(labels.encoded), dir + "/train-labels-idx1-ubyte.gz")
        let s = try DataSource.load(dir)
        #expect(s.train.count == 3 && s.train.d == 4 && s.train.classes == 10 && s.test == nil)
        write(IDXArray(dims: [2], bytes: [0, 1]).encoded, dir + "/train-labels-idx1-ubyte")
        try FileManager.default.removeItem(atPath: dir + "/train-labels-idx1-ubyte.gz")
        expectIOError("2 labels for 3 images") { _ = try DataSource.load(dir) }
        let empty = tempDir()
        expectIOError("no IDX files", kind: .missing) { _ = try DataSource.load(empty) }
        let big = tempDir()
        write(IDXArray(dims: [2, 28, 28], bytes: Array(repeating: 0, count: 2 * 784)).encoded, big + "/train-images-idx3-ubyte")
        write(IDXArray(dims: [2], bytes: [3, 10]).encoded, big + "/train-labels-idx1-ubyte")
        expectIOError("label 10 at index 1 is not below 10") { _ = try DataSource.load(big) }
    }

    /// The t10k pair is read on another thread: it is still loaded and checked, and when both
    /// pairs are bad the training files' error is the one reported, as in a serial read.
    @Test func testPairIsLoadedBesideTheTrainingPair() throws {
        let dir = tempDir()
        write(gzipped(images.encoded), dir + "/train-images-idx3-ubyte.gz")
        write(labels.encoded, dir + "/train-labels-idx1-ubyte")
        write(IDXArray(dims: [2, 2, 2], bytes: [0, 9, 0, 9, 1, 2, 3, 4]).encoded, dir + "/t10k-images-idx3-ubyte")
        write(gzipped(IDXArray(dims: [2], bytes: [4, 1]).encoded), dir + "/t10k-labels-idx1-ubyte.gz")
        let s = try DataSource.load(dir)
        #expect(s.train.count == 3 && s.test?.count == 2 && s.test?.labels == [4, 1] && s.test?.name.hasSuffix("-t10k") == true)
        write(Array(gzipped(IDXArray(dims: [2], bytes: [4, 1]).encoded).dropLast(12)), dir + "/t10k-labels-idx1-ubyte.gz")
        #expect(throws: IOError(dir + "/t10k-labels-idx1-ubyte.gz", "truncated gzip stream after 7 bytes; expected a complete .gz file")) {
            _ = try DataSource.load(dir)
        }
        write(IDXArray(dims: [2], bytes: [0, 1]).encoded, dir + "/train-labels-idx1-ubyte")
        #expect(throws: IOError(dir + "/train-labels-idx1-ubyte", "2 labels for 3 images in \(dir)/train-images-idx3-ubyte.gz; expected equal counts")) {
            _ = try DataSource.load(dir)
        }
    }
}

struct CSVTests {
    @Test func roundTripWithAndWithoutHeader() throws {
        let a = try CSV.parse(Array("label,a,b\n0,1.5,2\n1,-3,4e-1\n".utf8), file: "t.csv", precision: .float32)
        guard case .floats(let f) = a.features else { Issue.record("float32 features expected"); return }
        #expect(a.labels == [0, 1] && f == [1.5, 2, -3, 0.4] && a.d == 2 && a.header == ["label", "a", "b"])
        let b = try CSV.parse(Array("2,1,1\r\n\n0,0,0\n".utf8), file: "t.csv", precision: .float32)
        #expect(b.labels == [2, 0] && b.d == 2 && b.header == nil)
    }

    /// float64 reads the digits straight to Double (17 significant digits round-trip exactly, and
    /// values beyond float32's range are kept); float32 straight to Float (no double rounding).
    @Test func featuresKeepThePrecisionOfTheRun() throws {
        var g = SeededGenerator(seed: 21)
        let values = (0..<200).map { _ in (Double(g.nextIndex(below: 1 << 30)) / Double(1 << 30) - 0.5) * pow(10, Double(g.nextIndex(below: 40)) - 20) }
        let text = values.map { "0," + String(format: "%.17g", $0) }.joined(separator: "\n") + "\n1,3e300\n"
        let wide = try CSV.parse(Array(text.utf8), file: "t.csv", precision: .float64)
        guard case .doubles(let d) = wide.features else { Issue.record("float64 features expected"); return }
        #expect(d == values + [3e300])
        let narrowText = values.map { "0," + String(format: "%.9g", $0) }.joined(separator: "\n") + "\n1,2\n"
        let narrow = try CSV.parse(Array(narrowText.utf8), file: "t.csv", precision: .float32)
        guard case .floats(let f) = narrow.features else { Issue.record("float32 features expected"); return }
        #expect(f == values.map { Float(String(format: "%.9g", $0))! } + [2])
        expectIOError("line 3, column 2: 3e300 is outside the float32 range") {
            _ = try CSV.parse(Array("0,1\n1,2\n0,3e300\n".utf8), file: "t.csv", precision: .float32)
        }
    }

    /// A byte-order mark is not a header; control bytes inside a field are refused with the place.
    @Test func byteOrderMarkAndControlBytes() throws {
        let bom = try CSV.parse([0xEF, 0xBB, 0xBF] + Array("1,2,3\n0,4,5\n".utf8), file: "t.csv", precision: .float64)
        #expect(bom.labels == [1, 0] && bom.header == nil)
        let bomHeader = try CSV.parse([0xEF, 0xBB, 0xBF] + Array("label,a\n1,2\n0,4\n".utf8), file: "t.csv", precision: .float64)
        #expect(bomHeader.header == ["label", "a"] && bomHeader.labels == [1, 0])
        for (text, place) in [("0,1\u{0}5,2\n1,2,3\n", "line 1, column 2: control byte 0x0"), ("0,1,2\n1,\u{7}2,3\n", "line 2, column 2: control byte 0x7"),
                              ("0,1,2\n1,2,3\u{1B}\n", "line 2, column 3: control byte 0x1B"), ("0,1\u{7F},2\n", "line 1, column 2: control byte 0x7F")] {
            expectIOError(place) { _ = try CSV.parse(Array(text.utf8), file: "t.csv", precision: .float64) }
        }
    }

    @Test(arguments: [
        ("0,1,2\n1,2\n", "line 2, column 3: ragged row of 2 columns; expected 3"),
        ("0,1,x\n", "line 1, column 3: 'x' is not a number"),
        ("0,1,nan\n", "line 1, column 3: nan is not finite"),
        ("0,inf,1\n", "column 2: inf is not finite"),
        ("", "no data rows"),
        ("label,x\n", "no data rows"),
        ("1.5,2\n", "label 1.5 is not a class index"),
        ("0,\u{1B}[31m\n", "control byte 0x1B"),
    ])
    func badInputs(_ text: String, _ message: String) {
        expectIOError(message) { _ = try CSV.parse(Array(text.utf8), file: "t.csv", precision: .float32) }
    }

    @Test func columnCap() {
        let wide = "0," + Array(repeating: "1", count: CSV.maxColumns + 1).joined(separator: ",") + "\n"
        expectIOError("more than 4096 columns") { _ = try CSV.parse(Array(wide.utf8), file: "t.csv", precision: .float32) }
    }
}

/// `gather` (which also fetches rows ahead) writes exactly the requested rows, as the data say.
struct GatherTests {
    @Test(arguments: [0..<20, 5..<13, 19..<20, 0..<3, 7..<7])
    func gatherWritesTheRowsAsked(rows: Range<Int>) {
        let (n, d) = (30, 11)
        let bytes = (0..<(n * d)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 5) }
        let floats = (0..<(n * d)).map { Float($0) * 0.25 - 3 }
        let labels = (0..<n).map { UInt8($0 % 4) }
        let indices = (0..<20).map { ($0 * 7 + 3) % n }
        let doubles = floats.map { Double($0) }
        for features in [Dataset.Features.bytes(bytes), .floats(floats), .doubles(doubles)] {
            let data = Dataset(name: "t", features: features, labels: labels, count: n, d: d, classes: 4, imageSide: nil, digest: "")
            var x = [Float](repeating: -99, count: 20 * d), y = [Float](repeating: -99, count: 20)
            x.withUnsafeMutableBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in data.gather(indices, rows: rows, x: xp.baseAddress!, y: yp.baseAddress!) }
            }
            for r in 0..<20 {
                let i = indices[r]
                for j in 0..<d {
                    let want: Float
                    switch features {
                    case .bytes: want = Float(bytes[i * d + j]) * (1 / 255 as Float)
                    case .floats: want = floats[i * d + j]
                    case .doubles: want = Float(doubles[i * d + j])
                    }
                    #expect(x[r * d + j] == (rows.contains(r) ? want : -99), "row \(r) column \(j)")
                }
                #expect(y[r] == (rows.contains(r) ? Float(labels[i]) : -99), "label of row \(r)")
            }
        }
    }
}
