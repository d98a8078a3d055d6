import Testing
import Foundation
import BackpropCore
@testable import BackpropIO
import BackpropData

/// Bad input: one line on stderr naming the flag or file, the documented exit code, nothing on stdout, no files left.
@Suite(.serialized)
struct BadInputTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String; var args: [String]; var code: Int32; var contains: String
        /// Batch-mode cases get --batch; the others run as typed (the TUI's flags, sessions, graphs).
        var batch = true
        var description: String { name }
    }
    static func tui(_ name: String, _ args: [String], _ code: Int32, _ contains: String) -> Case {
        Case(name: name, args: args, code: code, contains: contains, batch: false)
    }
    static func text(_ name: String, _ s: String) -> String { file(name, Array(s.utf8)) }
    static let leaves = "X = input()\nW1 = param()\nU1 = matmul(X, W1)\nH = relu(U1)\nW2 = param()\nU2 = matmul(H, W2)\ny = input()\n"
    static let header: String = {
        let digest = (try? DataSource.load("spiral"))?.train.digest ?? ""
        return "{\"format\":\"backprop-tui session\",\"version\":1,\"config\":{\"data\":\"spiral\",\"data_sha256\":\"\(digest)\",\"hidden\":8,\"batch\":8,\"lr\":1,\"lambda\":0.001,\"seed\":\"7\"},\"terminal\":{\"cols\":80,\"rows\":24}}"
    }()
    static func session(_ name: String, _ lines: String) -> String { text(name, header + "\n" + lines) }

    static let dir = tempDir()
    static func file(_ name: String, _ b: [UInt8]) -> String { let p = dir + "/" + name; writeFixture(p, b); return p }
    static func idx(_ name: String, images: [UInt8], labels: [UInt8]) -> String {
        let d = dir + "/" + name
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        writeFixture(d + "/train-images-idx3-ubyte", images)
        writeFixture(d + "/train-labels-idx1-ubyte", labels)
        return d
    }
    static let goodImages = IDXArray(dims: [4, 2, 2], bytes: Array(0..<16)).encoded
    static let goodLabels = IDXArray(dims: [4], bytes: [0, 1, 2, 1]).encoded
    static func weights(_ w1: [Float], _ s1: [Int], _ w2: [Float], _ s2: [Int]) -> [UInt8] {
        SafeTensors(tensors: [("W1", StoredTensor(w1, shape: s1)), ("W2", StoredTensor(w2, shape: s2))]).encoded()
    }

    static let cases: [Case] = [
        Case(name: "hidden 0", args: ["--hidden", "0"], code: 64, contains: "--hidden: 0 is not allowed"),
        Case(name: "negative lr", args: ["--lr=-1"], code: 64, contains: "--lr: -1.0 is not allowed"),
        Case(name: "negative lambda", args: ["--lambda=-0.5"], code: 64, contains: "--lambda: -0.5 is not allowed"),
        Case(name: "batch larger than data", args: ["--batch-size", "601"], code: 64, contains: "--batch-size: 601 is larger than the 600 training examples"),
        Case(name: "unknown flag", args: ["--hiden", "3"], code: 64, contains: "--hiden"),
        Case(name: "not a number", args: ["--hidden", "many"], code: 64, contains: "many"),
        Case(name: "bad precision", args: ["--precision", "float16"], code: 64, contains: "--precision: 'float16' is unknown"),
        Case(name: "threads 0", args: ["--threads", "0"], code: 64, contains: "--threads: 0 is not allowed"),
        Case(name: "unknown rng", args: ["--rng", "mt19937"], code: 64, contains: "--rng: 'mt19937' is unknown; expected one of 'numpy' and 'xoshiro'"),
        Case(name: "unknown init scheme", args: ["--init-scheme", "lecun"], code: 64, contains: "--init-scheme: 'lecun' is unknown; expected one of 'he' and 'glorot'"),
        Case(name: "hidden above the limit", args: ["--hidden", "4097"], code: 64, contains: "--hidden: 4097 is not allowed; expected a whole number from 1 to 4096"),
        Case(name: "threads above the limit", args: ["--threads", "257"], code: 64, contains: "--threads: 257 is not allowed; expected a whole number from 1 to 256"),
        Case(name: "trace step without a trace", args: ["--trace-step", "3"], code: 64, contains: "--trace-step: needs --trace FILE"),
        Case(name: "missing path", args: ["--data", "/nonexistent/x"], code: 66, contains: "/nonexistent/x: no such file or folder"),
        Case(name: "folder without IDX", args: ["--data", dir], code: 66, contains: "no IDX files"),
        Case(name: "missing fashion-mnist", args: ["--data", "fashion-mnist"], code: 66, contains: "apt-get install dataset-fashion-mnist"),
        Case(name: "truncated IDX", args: ["--data", idx("trunc", images: Array(goodImages.dropLast()), labels: goodLabels)], code: 65, contains: "truncated"),
        Case(name: "bad IDX magic", args: ["--data", idx("magic", images: [1] + goodImages.dropFirst(), labels: goodLabels)], code: 65, contains: "bad magic number"),
        Case(name: "count mismatch", args: ["--data", idx("count", images: goodImages, labels: IDXArray(dims: [3], bytes: [0, 1, 2]).encoded)], code: 65, contains: "3 labels for 4 images"),
        Case(name: "ragged CSV", args: ["--data", file("ragged.csv", Array("0,1,2\n1,2\n".utf8))], code: 65, contains: "line 2, column 3: ragged row"),
        Case(name: "non-numeric CSV", args: ["--data", file("text.csv", Array("0,1,2\n1,a,2\n".utf8))], code: 65, contains: "line 2, column 2: 'a' is not a number"),
        Case(name: "NaN in CSV", args: ["--data", file("nan.csv", Array("0,1,NaN\n1,1,2\n".utf8))], code: 65, contains: "is not finite"),
        Case(name: "CSV label past 255", args: ["--data", file("label.csv", Array("0,1\n300,2\n".utf8))], code: 65, contains: "expected at most 256 classes"),
        Case(name: "CSV feature beyond float32", args: ["--data", file("huge.csv", Array("0,1e39\n1,2\n".utf8))], code: 65, contains: "outside the float32 range"),
        Case(name: "empty CSV", args: ["--data", file("empty.csv", [])], code: 65, contains: "no data rows"),
        Case(name: "init not safetensors", args: ["--init", file("junk.st", Array("hello world, not a file".utf8))], code: 65, contains: "header length"),
        Case(name: "init wrong shape", args: ["--init", file("shape.st", weights([1, 2, 3], [3, 1], [1, 2, 3], [1, 3]))], code: 65, contains: "W1 has shape [3, 1]; expected [3, 100]"),
        Case(name: "init NaN", args: ["--hidden", "1", "--init", file("nan.st", weights([1, .nan, 3], [3, 1], [1, 2, 3], [1, 3]))], code: 65, contains: "W1 holds nan"),
        Case(name: "init missing", args: ["--init", "/nonexistent.st"], code: 66, contains: "no such file"),
        Case(name: "save into missing folder", args: ["--steps", "1", "--save", "/nonexistent/dir/w.st"], code: 73, contains: "does not exist"),
        Case(name: "divergence", args: ["--lr", "1e30", "--epochs", "5"], code: 3, contains: "is not finite (NaN or Inf), made by "),
        Case(name: "break-on: unknown statistic", args: ["--break-on", "nrm(W1) > 2"], code: 64,
             contains: "--break-on: 'nrm(W1) > 2': unknown statistic 'nrm'; expected nonfinite, STAT(NAME) CMP NUMBER"),
        Case(name: "break-on: unknown node", args: ["--break-on", "nonfinite", "--break-on", "norm(W9) > 2"], code: 64,
             contains: "--break-on: 'norm(W9) > 2': no node 'W9' in the graph"),
        Case(name: "break-on: a matrix compared", args: ["--break-on", "U1 > 2"], code: 64,
             contains: "--break-on: 'U1 > 2': U1 is 128×100, not 1×1; expected STAT(U1) CMP NUMBER"),
        Case(name: "break-on: dead of no relu", args: ["--break-on", "dead(U2) > 0"], code: 64,
             contains: "dead(U2) needs a relu node's value"),
        Case(name: "break-on: no number", args: ["--break-on", "J >"], code: 64, contains: "'J >': no number after >"),
        Case(name: "break-bundle alone", args: ["--break-bundle", "b.st"], code: 64,
             contains: "--break-bundle: needs --break-on"),
        // The TUI's own flags and graph files: refused before a terminal is needed.
        tui("graph: unknown op", ["--graph", text("op.txt", leaves + "J = cross_entropy(U2, y)\nK = tan(J)\n")], 65, "op.txt:9:5: unknown op 'tan'"),
        tui("graph: syntax", ["--graph", text("syntax.txt", "X = input(\n")], 65, "syntax.txt:1:"),
        tui("graph: undefined name", ["--graph", text("undef.txt", leaves + "J = cross_entropy(U3, y)\n")], 65, "undefined name 'U3'"),
        tui("graph: assigned twice", ["--graph", text("twice.txt", leaves + "U2 = relu(H)\nJ = cross_entropy(U2, y)\n")], 65, "assigned twice"),
        tui("graph: cycle", ["--graph", text("cycle.txt", "X = input()\ny = input()\nW1 = param()\nW2 = param()\na = add(b, W1)\nb = add(a, W2)\nJ = cross_entropy(b, y)\n")], 65, "cycle"),
        tui("graph: arity", ["--graph", text("arity.txt", leaves + "J = cross_entropy(U2)\n")], 65, "wrong arity"),
        tui("graph: empty", ["--graph", text("empty.txt", "\n")], 65, "empty graph"),
        tui("graph: wrong leaves", ["--graph", text("leaves.txt", "X = input()\nW = param(d, k)\nJ = sum(W)\n")], 65, "expected X and y"),
        tui("graph: unknown constant", ["--graph", text("const.txt", leaves + "J = cross_entropy(U2, y)\nK = scale(J, μ)\n")], 65, "constant 'μ' is unknown; expected λ"),
        tui("graph: not UTF-8", ["--graph", file("latin1.txt", [0x58, 0x20, 0x3D, 0xE9, 0x0A])], 65, "not UTF-8"),
        tui("graph: missing file", ["--graph", "/nonexistent/g.txt"], 66, "/nonexistent/g.txt"),
        tui("unknown generator", ["--rng", "mt19937"], 64, "--rng"),
        tui("--save in the TUI", ["--save", "x.st"], 64, "--save: is for --batch; in the TUI use :save FILE"),
        tui("--break-on in the TUI", ["--break-on", "nonfinite"], 64, "--break-on: is for --batch; in the TUI use :break PRED"),
        tui("--open with --resume", ["--open", "b.st", "--resume", "c.st"], 64, "--open: cannot be combined with --resume"),
        tui("--open of a missing file", ["--open", "/nonexistent/b.st"], 66, "/nonexistent/b.st"),
        tui("--epochs in the TUI", ["--epochs", "3"], 64, "--epochs: is for --batch; in the TUI use e or :train epoch"),
        tui("graph with --batch: unknown size", ["--batch", "--graph", text("size.txt", "X = input()\ny = input()\nW = param(d, n)\n")], 65, "size.txt:3:14: unknown size 'n'"),
        tui("graph with --batch: shapes", ["--batch", "--graph", text("shapes.txt", "X = input()\ny = input()\nW1 = param(d, h)\nW2 = param(h, k)\nA = matmul(X, W1)\nU = matmul(W2, A)\nJ = cross_entropy(U, y)\n")], 65,
            "shapes.txt:6:5: node U (U = matmul(W2, A)): shapes 100×3 and 128×100 do not fit; matmul: the columns of A must equal the rows of B (X is 128×3, k = 3, h = 100)"),
        tui("graph in the TUI: loss not 1×1", ["--graph", text("loss.txt", "X = input()\ny = input()\nW1 = param(d, k)\nU = matmul(X, W1)\nJ = sqr(U)\n")], 65,
            "loss.txt:5:5: loss J is 8×3; expected 1×1"),
        tui("graph with --batch: no sizes", ["--batch", "--graph", text("nosize.txt", "X = input()\nb = param()\n")], 65, "nosize.txt:2:5: wrong arity: param takes 2 sizes, e.g. b = param(1, h)"),
        tui("verify without replay", ["--verify"], 64, "--verify: needs --replay FILE"),
        tui("export without replay", ["--export-cast", "x.cast"], 64, "--export-cast: needs --replay FILE"),
        tui("verify and export", ["--replay", "x", "--verify", "--export-cast", "y"], 64, "--verify: cannot be combined with --export-cast"),
        tui("TUI hidden 0", ["--hidden", "0"], 64, "--hidden: 0 is not allowed"),
        tui("TUI hidden above the limit", ["--hidden", "4097"], 64, "--hidden: 4097 is not allowed; expected a whole number from 1 to 4096"),
        tui("TUI resume of a missing checkpoint", ["--resume", "/nonexistent/ck.st"], 66, "/nonexistent/ck.st"),
        // Session files (untrusted input).
        tui("session: not JSON Lines", ["--replay", text("notjson.jsonl", "hello\n"), "--verify"], 65, "line 1: not JSON"),
        tui("session: unknown version", ["--replay", text("v9.jsonl", header.replacingOccurrences(of: "\"version\":1", with: "\"version\":9") + "\n"), "--verify"], 65, "format version 9 is not supported"),
        tui("session: unknown action", ["--replay", session("act.jsonl", "{\"t\":0,\"action\":\"explode\"}\n"), "--verify"], 65, "line 2: unknown action 'explode'"),
        tui("session: line over 1 MiB", ["--replay", session("long.jsonl", String(repeating: " ", count: (1 << 20) + 1) + "\n"), "--verify"], 65, "line 2: line is 1048577 bytes; the limit is 1 MiB"),
        tui("session: digest mismatch", ["--replay", session("digest.jsonl", "{\"t\":0,\"action\":\"stepForward\"}\n{\"t\":0,\"digest\":\"" + String(repeating: "0", count: 64) + "\",\"position\":1,\"updates\":0}\n"), "--verify"], 1, "line 3: digest mismatch"),
        tui("session: digest mismatch from another version", ["--replay", text("old.jsonl", header.replacingOccurrences(of: "\"version\":1,", with: "\"version\":1,\"tool\":\"backprop-tui 0.4.0\",") + "\n{\"t\":0,\"action\":\"stepForward\"}\n{\"t\":0,\"digest\":\"" + String(repeating: "0", count: 64) + "\",\"position\":1,\"updates\":0}\n"), "--verify"], 1, "update 0); the session was recorded by backprop-tui 0.4.0, this is backprop-tui 0.6.0"),
        tui("session: data differs", ["--replay", text("data.jsonl", header.replacingOccurrences(of: "\"data_sha256\":\"", with: "\"data_sha256\":\"ff") + "\n"), "--verify"], 65, "the data differs from the recording"),
        tui("session: data missing", ["--replay", text("fmnist.jsonl", header.replacingOccurrences(of: "\"data\":\"spiral\"", with: "\"data\":\"fashion-mnist\"") + "\n"), "--verify"], 65, "needs Fashion-MNIST"),
        tui("session: data path not allowed", ["--replay", text("path.jsonl", header.replacingOccurrences(of: "\"data\":\"spiral\"", with: "\"data\":\"/etc/passwd\"") + "\n"), "--verify"], 65, "pass --data PATH to allow reading it"),
        tui("session: bad graph", ["--replay", text("graph.jsonl", header.replacingOccurrences(of: "\"terminal\"", with: "\"graph\":\"X = nope(\",\"terminal\"") + "\n"), "--verify"], 65, "line 1: graph: 1:"),
        tui("session: missing file", ["--replay", "/nonexistent/s.jsonl", "--verify"], 66, "/nonexistent/s.jsonl"),
        tui("session: a folder", ["--replay", dir, "--verify"], 65, "not a regular file"),
        tui("session: empty", ["--replay", text("empty.jsonl", ""), "--verify"], 65, "empty file"),
        Case(name: "resume of a weights file from other flags", args: ["--resume", file("plain.st", weights(Array(repeating: 0, count: 300), [3, 100], Array(repeating: 0, count: 300), [100, 3]))], code: 65, contains: "not a backprop-tui checkpoint"),
        // With an own graph, a checkpoint that cannot be read is refused as such (not as one without a graph).
        Case(name: "own graph: resume of a missing checkpoint", args: ["--graph", text("own.txt", ownGraph), "--resume", "/nonexistent/ck.st"], code: 66, contains: "/nonexistent/ck.st: no such file"),
        Case(name: "own graph: resume of junk", args: ["--graph", text("own2.txt", ownGraph), "--resume", file("junk2.st", Array("hello world, not a file".utf8))], code: 65, contains: "header length"),
    ]
    static let ownGraph = "X = input()\ny = input()\nW1 = param(d, k)\nb1 = param(1, k)\nA = matmul(X, W1)\nU = add(A, b1)\nJ = cross_entropy(U, y)\n"

    @Test(arguments: cases)
    func badInputGetsOneLine(_ c: Case) {
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: Self.dir)) ?? [])
        let r = Binary.run((c.batch ? ["--batch"] : []) + c.args, env: ["FASHION_MNIST_DIR": "/nonexistent/fashion"])
        #expect(r.status == c.code, "\(c.name): exit \(r.status), stderr \(r.stderr)")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(c.name): \(r.stderr)")
        #expect(r.stderr.hasPrefix("backprop-tui: error: ") && r.stderr.contains(c.contains), "\(c.name): \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace"))
        if c.code != 3 { #expect(r.stdout.isEmpty, "\(c.name): \(r.stdout)") }
        let after = Set((try? FileManager.default.contentsOfDirectory(atPath: Self.dir)) ?? [])
        #expect(after == before, "\(c.name): files changed \(after.symmetricDifference(before))")
    }

    /// A log that cannot be written stops the run at the first line it loses, end of epoch included
    /// (that write used to be `try?`: a full disk lost the epoch lines without a word).
    /// (The disk fills up here by a file-size limit of one block, SIGXFSZ ignored: writes fail with EFBIG.)
    @Test func unwritableLogStopsTheRun() {
        let dir = tempDir()
        let r = Binary.run(["-c", "ulimit -f 1; trap '' XFSZ; exec \"$0\" --batch --epochs 50 --log \"$1\" --log-every 1",
                            Binary.path, "\(dir)/log.jsonl"], executable: "/bin/sh")
        #expect(r.status == 74, "exit \(r.status), stderr \(r.stderr)")
        #expect(r.stderr.hasPrefix("backprop-tui: error: \(dir)/log.jsonl: write failed")
                && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!r.stdout.contains("epoch   2"), "the run went on: \(r.stdout)")
    }
}
