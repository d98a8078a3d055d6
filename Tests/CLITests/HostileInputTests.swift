import Testing
import Foundation
import BackpropCore
import BackpropData
@testable import BackpropIO
import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// Hostile input, by class: each class of fault with several inputs, through the real binary. Every
/// one gets a single line of at most 300 characters with no control characters, the documented exit
/// code, nothing on stdout, and no hang (a run that blocks fails the test at its time limit).
@Suite(.serialized)
struct HostileInputTests {
    typealias Case = BadInputTests.Case
    static let dir = tempDir()
    static func file(_ name: String, _ b: [UInt8]) -> String { let p = dir + "/" + name; writeFixture(p, b); return p }
    static func text(_ name: String, _ s: String) -> String { file(name, Array(s.utf8)) }
    static func fifo(_ name: String) -> String { let p = dir + "/" + name; mkfifo(p, 0o600); return p }
    static func idx(_ name: String, images: IDXArray, labels: IDXArray, test: (IDXArray, IDXArray)? = nil) -> String {
        let d = dir + "/" + name
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        writeFixture(d + "/train-images-idx3-ubyte", images.encoded)
        writeFixture(d + "/train-labels-idx1-ubyte", labels.encoded)
        if let (ti, tl) = test {
            writeFixture(d + "/t10k-images-idx3-ubyte", ti.encoded)
            writeFixture(d + "/t10k-labels-idx1-ubyte", tl.encoded)
        }
        return d
    }
    static func images(_ n: Int, side: Int) -> IDXArray {
        IDXArray(dims: [n, side, side], bytes: (0..<(n * side * side)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    }
    static func labels(_ n: Int, classes: Int = 3) -> IDXArray { IDXArray(dims: [n], bytes: (0..<n).map { UInt8($0 % classes) }) }
    /// A checkpoint of the spiral run with one metadata entry changed.
    static func checkpoint(_ name: String, _ key: String, _ value: String) -> String {
        let ck = dir + "/ck-base.st"
        if !FileManager.default.fileExists(atPath: ck) {
            _ = Binary.run(["--batch", "--steps", "3", "--save", ck])
        }
        let st = try! SafeTensors.load(ck)
        return file(name, SafeTensors(tensors: st.tensors, metadata: st.metadata.map { $0.0 == key ? (key, value) : $0 }).encoded())
    }
    static let leaves = "X = input()\nW1 = param()\nU1 = matmul(X, W1)\nH = relu(U1)\nW2 = param()\nU2 = matmul(H, W2)\ny = input()\n"
    static func tui(_ name: String, _ args: [String], _ code: Int32, _ contains: String) -> Case {
        Case(name: name, args: args, code: code, contains: contains, batch: false)
    }
    static func batch(_ name: String, _ args: [String], _ code: Int32, _ contains: String) -> Case {
        Case(name: name, args: args, code: code, contains: contains)
    }

    /// The classes of `docs/hardening.md`'s table, each with its cases.
    static let classes: [(String, [Case])] = [
        ("non-regular input files", [
            batch("FIFO as --data", ["--data", fifo("data.fifo")], 65, "is a FIFO, not a regular file"),
            batch("FIFO as --test-data", ["--test-data", fifo("test.fifo")], 65, "is a FIFO, not a regular file"),
            batch("FIFO as --init", ["--init", fifo("init.fifo")], 65, "is a FIFO, not a regular file"),
            batch("FIFO as --resume", ["--resume", fifo("resume.fifo")], 65, "is a FIFO, not a regular file"),
            tui("FIFO as --graph", ["--graph", fifo("graph.fifo")], 65, "is a FIFO, not a regular file"),
            batch("device as --init", ["--init", "/dev/zero"], 65, "is a character device, not a regular file"),
        ]),
        ("non-regular output paths", [
            batch("--save onto /dev/null", ["--steps", "1", "--save", "/dev/null"], 73, "/dev/null: is a character device"),
            batch("--trace onto /dev/null", ["--steps", "0", "--trace", "/dev/null"], 73, "/dev/null: is a character device"),
            batch("--log onto /dev/full", ["--steps", "1", "--log", "/dev/full"], 73, "/dev/full: is a character device"),
            batch("--save onto a FIFO", ["--steps", "1", "--save", fifo("save.fifo")], 73, "is a FIFO, not a regular file"),
            batch("--checkpoint-every onto a FIFO", ["--steps", "2", "--checkpoint-every", "1", "--save", fifo("ck.fifo")], 73,
                  "is a FIFO, not a regular file"),
            batch("--log onto a folder", ["--steps", "1", "--log", dir], 73, "is a directory, not a regular file"),
        ]),
        ("user strings in error lines", [
            batch("newline and escape in --data", ["--data", "/tmp/no\nsuch\u{1B}[31m"], 66, "/tmp/no\\nsuch\\u{1B}[31m"),
            batch("escape in --init", ["--init", "/tmp/x\u{1B}]0;owned\u{7}"], 66, "\\u{1B}]0;owned\\u{07}"),
            batch("a very long path", ["--data", "/tmp/" + String(repeating: "p", count: 5000)], 66, "…"),
            tui("a 1 MB name in a graph", ["--graph", text("longname.txt", leaves + "J = cross_entropy(U2, " + String(repeating: "z", count: 1_000_000) + ")\n")],
                65, "undefined name 'zzzz"),
            tui("a long unknown op", ["--graph", text("longop.txt", leaves + "J = " + String(repeating: "o", count: 100_000) + "(U2, y)\n")],
                65, "unknown op 'oooo"),
            tui("escape in a graph name", ["--graph", text("escname.txt", leaves + "J = cross_entropy(U2, q\u{1B}x)\n")], 65, "expected"),
        ]),
        ("graphs that cannot be trained, before a terminal", [
            tui("loss is a leaf", ["--graph", text("leafloss.txt", leaves + "J_MLE = cross_entropy(U2, y)\nK = param(1, 1)\n")], 65,
                "leafloss.txt:9:5: the loss K (the last line) is a leaf, param()"),
            tui("loss is an input", ["--graph", text("inputloss.txt", leaves + "J = cross_entropy(U2, y)\nZ = input()\n")], 65,
                "inputs are X, Z, y"),
            tui("W1 does not reach the loss", ["--graph", text("w1.txt", "X = input()\ny = input()\nW1 = param()\nW2 = param()\n"
                + "U2 = matmul(X, W2)\nJ = cross_entropy(U2, y)\nU3 = sqr(W1)\n")], 65, "w1.txt:4:6: parameter W2 does not reach the loss U3"),
            tui("W2 does not reach the loss", ["--graph", text("w2.txt", leaves + "W3 = sqr(W2)\nJ = cross_entropy(U1, y)\n")], 65,
                "w2.txt:5:6: parameter W2 does not reach the loss J"),
            tui("a loss that is not 1×1", ["--graph", text("notscalar.txt", leaves + "J0 = cross_entropy(U2, y)\nJ = relu(U2)\n")], 65,
                "loss J is 8×3; expected 1×1"),
            tui("shapes that do not fit", ["--graph", text("shapes.txt", leaves + "U9 = matmul(U2, W2)\nJ = cross_entropy(U9, y)\n")], 65,
                "do not fit"),
        ]),
        ("test data unlike the training data", [
            batch("larger t10k images", ["--data", idx("bigtest", images: images(30, side: 4), labels: labels(30),
                                                       test: (images(10, side: 6), labels(10)))], 65, "test examples have 36 features; expected 16"),
            batch("smaller t10k images", ["--data", idx("smalltest", images: images(30, side: 4), labels: labels(30),
                                                         test: (images(10, side: 2), labels(10)))], 65, "test examples have 4 features; expected 16"),
            batch("t10k labels past the classes", ["--data", idx("classtest", images: images(30, side: 4), labels: labels(30),
                                                                  test: (images(10, side: 4), labels(10, classes: 7)))], 65, "test labels go up to 6"),
            batch("CSV test data of another width", ["--test-data", text("narrow.csv", "0,1,2\n1,3,4\n")], 65,
                  "test examples have 2 features; expected 3"),
        ]),
        ("one class", [
            batch("single-class IDX", ["--data", idx("oneclass", images: images(20, side: 3), labels: labels(20, classes: 1))], 65,
                  "only one class"),
            batch("single-class CSV", ["--data", text("oneclass.csv", "0,1,2\n0,3,4\n")], 65, "only one class"),
        ]),
        ("checkpoint fields out of range", [
            batch("negative position", ["--resume", checkpoint("negpos.st", "position", "-5")], 65, "checkpoint position is -5; expected 0 to 600"),
            batch("position past the data", ["--resume", checkpoint("bigpos.st", "position", "601")], 65, "checkpoint position is 601"),
            batch("step near 2^63", ["--steps", "5", "--resume", checkpoint("bigstep.st", "step", "9223372036854775800")], 65,
                  "checkpoint step is 9223372036854775800"),
            batch("negative epoch", ["--resume", checkpoint("negepoch.st", "epoch", "-1")], 65, "checkpoint epoch is -1"),
            batch("step not a number", ["--resume", checkpoint("nanstep.st", "step", "x")], 65, "checkpoint metadata is incomplete"),
        ]),
        ("sizes declared beyond the caps", [
            batch("IDX header declaring 2^31 elements, gzipped", ["--data", {
                let d = dir + "/bomb"
                try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
                writeFixture(d + "/train-labels-idx1-ubyte", labels(2048).encoded)
                writeFixture(d + "/train-images-idx3-ubyte.gz", gzipBytes([0, 0, 8, 3, 0, 0, 8, 0, 0, 0, 4, 0, 0, 0, 4, 0] + [UInt8](repeating: 0, count: 1 << 16)))
                return d
            }()], 65, "declare 2147483648 elements; expected at most 1073741824"),
            batch("IDX images of another count than the labels", ["--data", idx("count", images: images(5, side: 2), labels: labels(4))], 65,
                  "4 labels for 5 images"),
            batch("hidden far past the limit", ["--hidden", "100000000"], 64, "--hidden: 100000000 is not allowed; expected a whole number from 1 to 4096"),
            batch("a model over the memory limit", ["--hidden", "4096", "--batch-size", "600", "--memory-limit", "0.01"], 64,
                  "memory: 3-4096-3, m = 600 needs about"),
            batch("wide images over the memory limit", ["--hidden", "4096", "--batch-size", "8", "--data", idx("wide", images: images(8, side: 400), labels: labels(8)),
                                                        "--memory-limit", "1"], 64, "memory: 160000-4096-3, m = 8 needs about"),
            batch("a memory limit of nothing", ["--memory-limit=0"], 64, "--memory-limit: 0.0 is not allowed"),
        ]),
        ("control bytes and marks in CSV", [
            batch("NUL inside a number", ["--data", text("nul.csv", "0,1\u{0}5,2\n1,3,4\n")], 65, "line 1, column 2: control byte 0x0"),
            batch("escape inside a number", ["--data", text("esc.csv", "0,1,2\n1,\u{1B}3,4\n")], 65, "line 2, column 2: control byte 0x1B"),
        ]),
    ]

    @Test(arguments: classes.flatMap(\.1))
    func hostileInputGetsOneLine(_ c: Case) {
        let r = Binary.run((c.batch ? ["--batch"] : []) + c.args)
        #expect(r.status == c.code, "\(c.name): exit \(r.status), stderr \(r.stderr)")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(c.name): \(r.stderr.prefix(600))")
        #expect(r.stderr.hasPrefix("backprop-tui: error: ") && r.stderr.contains(c.contains), "\(c.name): \(r.stderr.prefix(600))")
        #expect(lines.allSatisfy { $0.count <= 300 }, "\(c.name): a line of \(lines.map(\.count).max() ?? 0) characters")
        #expect(!r.stderr.dropLast().unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(c.name): control characters")
        #expect(r.stdout.isEmpty, "\(c.name): \(r.stdout.prefix(300))")
    }

    /// A long export streams to its file and stops cleanly on SIGINT, sent once the file is being
    /// written (its temporary name appears): exit 130, one line, and no file left behind.
    /// The same inside one action that trains for minutes (a session may ask for a million updates).
    @Test(arguments: [false, true])
    func aLongExportStopsOnSIGINTAndLeavesNothing(oneLongAction: Bool) throws {
        let dir = tempDir()
        let lines = oneLongAction ? ["{\"t\":0,\"action\":\"stepForward\"}", "{\"t\":1,\"action\":\"train\",\"steps\":1000000}"]
            : (0..<30_000).map { i in "{\"t\":\(i),\"action\":\"\(i % 2 == 0 ? "stepForward" : "stepBackward")\"}" }
        let session = dir + "/long.jsonl"
        writeFixture(session, Array((BadInputTests.header + "\n" + lines.joined(separator: "\n") + "\n").utf8))
        let (p, o, e) = Binary.start(["--replay", session, "--export-cast", dir + "/out.cast"])
        let end = TestTime.deadline(30)
        // Being written: the temporary file is there (with the first action's frame, when the next
        // action is the long one: the export is then inside it, or about to be).
        func writing() -> Bool {
            guard let tmp = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).first(where: { $0.hasPrefix("out.cast.tmp-") })
            else { return false }
            return !oneLongAction || bytes(dir + "/" + tmp).filter { $0 == 0x0A }.count >= 4
        }
        while !writing() && p.isRunning && Date() < end { usleep(2_000) }
        #expect(writing(), "the export was being written")
        p.interrupt()
        let r = Binary.finish(p, o, e)
        #expect(r.status == 130, "exit \(r.status): \(r.stderr)")
        #expect(r.stderr == "backprop-tui: error: interrupted by signal 2\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["long.jsonl"], "no export, no temporary file")
    }

    /// Products of flags saturate instead of overflowing; more threads than cores are capped with a notice.
    @Test func extremeFlagsRunOrStopCleanly() throws {
        let huge = Binary.run(["--batch", "--epochs", "9223372036854775807", "--steps", "2"])
        #expect(huge.status == 0 && huge.stdout.contains("summary: 2 steps"), "\(huge.stderr)")
        let many = Binary.run(["--batch", "--threads", "256", "--steps", "3", "--save", Self.dir + "/t256.st"])
        let cores = ProcessInfo.processInfo.activeProcessorCount
        #expect(many.status == 0, "\(many.stderr)")
        if cores < 256 { #expect(many.stderr == "backprop-tui: note: --threads 256 is more than the \(cores) cores here; using \(cores) (the same results)\n") }
        #expect(Binary.run(["--batch", "--threads", "1", "--steps", "3", "--save", Self.dir + "/t1.st"]).status == 0)
        let a = try SafeTensors.load(Self.dir + "/t256.st"), b = try SafeTensors.load(Self.dir + "/t1.st")
        #expect(a["W1"] == b["W1"] && a["W2"] == b["W2"], "the same bits at every thread count")
        // A UTF-8 byte-order mark is not a header: every row is data.
        let bom = Self.file("bom.csv", [0xEF, 0xBB, 0xBF] + Array("0,1,2\n1,3,4\n2,5,6\n".utf8))
        let r = Binary.run(["--batch", "--data", bom, "--batch-size", "3", "--steps", "0", "--trace", Self.dir + "/bom.st"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try SafeTensors.load(Self.dir + "/bom.st")["X"]?.shape == [3, 2])
    }

    /// fuzz-cli: `--save a` (a one-character name in the current folder) trapped in Foundation's path
    /// code. Every file flag now takes such a name, a control character included.
    @Test func oneCharacterFileNamesAreFiles() throws {
        let cwd = tempDir()
        for name in ["a", "\u{12}", "é"] {
            let r = Binary.run(["--batch", "--steps", "2", "--save", name, "--log", name + "l", "--trace", name + "t"],
                               cwd: cwd)
            #expect(r.status == 0, "--save \(name.debugDescription): \(r.stderr)")
            #expect(try SafeTensors.load(cwd + "/" + name)["W1"] != nil)
            #expect(FileManager.default.fileExists(atPath: cwd + "/" + name + "t"))
        }
        let missing = Binary.run(["--batch", "--steps", "1", "--save", "x/a"], cwd: cwd)
        #expect(missing.status != 0 && missing.stderr.contains("folder x does not exist"), "\(missing.stderr)")
    }
}

/// gzip through zlib's own writer (the CLI tests' copy of the IO tests' helper).
func gzipBytes(_ data: [UInt8]) -> [UInt8] {
    let path = NSTemporaryDirectory() + "bp-gz-\(UUID().uuidString).gz"
    defer { unlink(path) }
    let f = gzopen(path, "wb")!
    _ = data.withUnsafeBytes { gzwrite(f, $0.baseAddress, UInt32(data.count)) }
    gzclose(f)
    return bytes(path)
}
