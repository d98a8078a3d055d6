import Testing
import Foundation
import BackpropCore
@testable import BackpropIO

/// Bad input: one line on stderr naming the flag or file, the documented exit code, nothing on stdout, no files left.
@Suite(.serialized)
struct BadInputTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String; var args: [String]; var code: Int32; var contains: String
        var description: String { name }
    }

    static let dir = tempDir()
    static func file(_ name: String, _ b: [UInt8]) -> String { let p = dir + "/" + name; FileManager.default.createFile(atPath: p, contents: Data(b)); return p }
    static func idx(_ name: String, images: [UInt8], labels: [UInt8]) -> String {
        let d = dir + "/" + name
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: d + "/train-images-idx3-ubyte", contents: Data(images))
        FileManager.default.createFile(atPath: d + "/train-labels-idx1-ubyte", contents: Data(labels))
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
        Case(name: "missing path", args: ["--data", "/nonexistent/x"], code: 66, contains: "/nonexistent/x: no such file or folder"),
        Case(name: "folder without IDX", args: ["--data", dir], code: 66, contains: "no IDX files"),
        Case(name: "missing fashion-mnist", args: ["--data", "fashion-mnist"], code: 66, contains: "apt-get install dataset-fashion-mnist"),
        Case(name: "truncated IDX", args: ["--data", idx("trunc", images: Array(goodImages.dropLast()), labels: goodLabels)], code: 65, contains: "truncated"),
        Case(name: "bad IDX magic", args: ["--data", idx("magic", images: [1] + goodImages.dropFirst(), labels: goodLabels)], code: 65, contains: "bad magic number"),
        Case(name: "count mismatch", args: ["--data", idx("count", images: goodImages, labels: IDXArray(dims: [3], bytes: [0, 1, 2]).encoded)], code: 65, contains: "3 labels for 4 images"),
        Case(name: "ragged CSV", args: ["--data", file("ragged.csv", Array("0,1,2\n1,2\n".utf8))], code: 65, contains: "line 2, column 3: ragged row"),
        Case(name: "non-numeric CSV", args: ["--data", file("text.csv", Array("0,1,2\n1,a,2\n".utf8))], code: 65, contains: "line 2, column 2: 'a' is not a number"),
        Case(name: "NaN in CSV", args: ["--data", file("nan.csv", Array("0,1,NaN\n1,1,2\n".utf8))], code: 65, contains: "is not finite"),
        Case(name: "empty CSV", args: ["--data", file("empty.csv", [])], code: 65, contains: "no data rows"),
        Case(name: "init not safetensors", args: ["--init", file("junk.st", Array("hello world, not a file".utf8))], code: 65, contains: "header length"),
        Case(name: "init wrong shape", args: ["--init", file("shape.st", weights([1, 2, 3], [3, 1], [1, 2, 3], [1, 3]))], code: 65, contains: "W1 has shape [3, 1]; expected [3, 100]"),
        Case(name: "init NaN", args: ["--hidden", "1", "--init", file("nan.st", weights([1, .nan, 3], [3, 1], [1, 2, 3], [1, 3]))], code: 65, contains: "W1 holds nan"),
        Case(name: "init missing", args: ["--init", "/nonexistent.st"], code: 66, contains: "no such file"),
        Case(name: "save into missing folder", args: ["--steps", "1", "--save", "/nonexistent/dir/w.st"], code: 73, contains: "does not exist"),
        Case(name: "divergence", args: ["--lr", "1e30", "--epochs", "5"], code: 3, contains: "is not finite (NaN or Inf); training diverged"),
        Case(name: "resume of a weights file from other flags", args: ["--resume", file("plain.st", weights(Array(repeating: 0, count: 300), [3, 100], Array(repeating: 0, count: 300), [100, 3]))], code: 65, contains: "not a backprop-tui checkpoint"),
    ]

    @Test(arguments: cases)
    func badInputGetsOneLine(_ c: Case) {
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: Self.dir)) ?? [])
        let r = Binary.run(["--batch"] + c.args, env: ["FASHION_MNIST_DIR": "/nonexistent/fashion"])
        #expect(r.status == c.code, "\(c.name): exit \(r.status), stderr \(r.stderr)")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(c.name): \(r.stderr)")
        #expect(r.stderr.hasPrefix("backprop-tui: error: ") && r.stderr.contains(c.contains), "\(c.name): \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace"))
        if c.code != 3 { #expect(r.stdout.isEmpty, "\(c.name): \(r.stdout)") }
        let after = Set((try? FileManager.default.contentsOfDirectory(atPath: Self.dir)) ?? [])
        #expect(after == before, "\(c.name): files changed \(after.symmetricDifference(before))")
    }
}
