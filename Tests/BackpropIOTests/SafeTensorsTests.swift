import TestSupport
import Testing
import Foundation
@testable import BackpropIO
import BackpropCore
import BackpropData

struct SafeTensorsTests {
    static func file(_ header: String, data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: UInt64(h.count) >> (8 * UInt64($0))) } + h + data
    }

    @Test func roundTrip() throws {
        let st = SafeTensors(tensors: [("a", StoredTensor([1.5, -2] as [Float], shape: [2])), ("s", StoredTensor([3.25] as [Double], shape: [])),
                                       ("y", StoredTensor([7, 1] as [Int64], shape: [2]))], metadata: [("k", "v")])
        let back = try SafeTensors(parsing: st.encoded(), file: "x")
        #expect(back.tensors.map(\.name) == ["a", "s", "y"])
        #expect(back["a"] == st["a"] && back["s"] == st["s"] && back["y"] == st["y"] && back.meta("k") == "v")
        #expect((st.encoded().count - 8 - 16 - 8 - 16) % 8 == 0, "header padded to 8 bytes")
    }

    /// A file written by Python's `safetensors.numpy.save_file` (committed fixture, see Fixtures/README.md).
    @Test func readsAFileWrittenByPython() throws {
        let url = Bundle.module.url(forResource: "python_written", withExtension: "safetensors", subdirectory: "Fixtures")!
        let st = try SafeTensors.load(url.path)
        #expect(st["W1"]?.dtype == "F32" && st["W1"]?.shape == [3, 2])
        #expect(st["W1"]?.doubles() == [0, 1, 2, 3, 4, 5].map { $0 * 0.5 })
        #expect(st["W2"]?.dtype == "F64" && st["W2"]?.doubles() == [1, -1])
        #expect(st["labels"]?.dtype == "I64" && st["labels"]?.doubles() == [3, 1, 4])
        #expect(st.meta("who") == "numpy")
    }

    @Test(arguments: [
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 4, "header length 999"),
        ("[1,2]", 0, "not an object"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8, "duplicate key \"a\""),
        (#"{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, 2, "unsupported dtype F16"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8, "overlaps"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8, "gap in data"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 4, "run past the end"),
        (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8, "needs 12 bytes; data_offsets give 8"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, 4, "not valid JSON"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 12, "8 bytes after the last tensor"),
    ])
    func badFiles(_ header: String, _ dataBytes: Int, _ message: String) {
        var f = Self.file(header, data: [UInt8](repeating: 0, count: dataBytes))
        if message.hasPrefix("header length 999") { f[0] = 0xE7; f[1] = 0x03 }
        expectIOError(message) { _ = try SafeTensors(parsing: f, file: "w.safetensors") }
    }

    @Test func headerCap() {
        let f: [UInt8] = [0, 0, 0x20, 0, 0, 0, 0, 0] + [UInt8](repeating: 0x20, count: 16)
        expectIOError("exceeds 1 MiB") { _ = try SafeTensors(parsing: f, file: "w") }
    }

    @Test func weightsAreCheckedAgainstTheModel() throws {
        let dir = tempDir()
        let w = WeightsFile<Float>(W1: Matrix(rows: 3, cols: 2, [1, 2, 3, 4, 5, 6]), W2: Matrix(rows: 2, cols: 4), metadata: [])
        try AtomicFile.write(w.encoded(), to: dir + "/w.safetensors")
        let back = try WeightsFile<Double>.load(dir + "/w.safetensors", d: 3, hidden: 2, classes: 4)
        #expect(back.W1.storage == [1, 2, 3, 4, 5, 6])
        expectIOError("W1 has shape [3, 2]; expected [3, 5]") { _ = try WeightsFile<Float>.load(dir + "/w.safetensors", d: 3, hidden: 5, classes: 4) }
        expectIOError("W2 has shape [2, 4]; expected [2, 3]") { _ = try WeightsFile<Float>.load(dir + "/w.safetensors", d: 3, hidden: 2, classes: 3) }
        let bad = WeightsFile<Float>(W1: Matrix(rows: 3, cols: 2, [1, .nan, 3, 4, 5, 6]), W2: Matrix(rows: 2, cols: 4), metadata: [])
        try AtomicFile.write(bad.encoded(), to: dir + "/nan.safetensors")
        expectIOError("W1 holds nan at index 1; expected finite weights") { _ = try WeightsFile<Float>.load(dir + "/nan.safetensors", d: 3, hidden: 2, classes: 4) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["nan.safetensors", "w.safetensors"], "no temporary files left")
    }

    @Test func jsonParserIsStrict() throws {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array("{\"a\":1,\"a\":2}".utf8)) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(String(repeating: "[", count: 100).utf8)) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array("1 2".utf8)) }
        #expect(try JSONParser.parse(Array(#"{"x":[1,2.5e3,"\u00e9\n",true,null]}"#.utf8)) ==
                .object([("x", .array([.number(1), .number(2500), .string("é\n"), .bool(true), .null]))]))
        #expect(JSON.number(.nan).text == "\"NaN\"" && JSON.number(-.infinity).text == "\"-Infinity\"")
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// The SHA instructions (where the CPU has them) and the Swift rounds agree, whatever the
    /// length and however the bytes are split between updates; both meet the known answers.
    @Test func sha256InstructionsMatchSwiftRounds() {
        func digest(_ parts: [ArraySlice<UInt8>], instructions: Bool) -> [UInt8] {
            var h = SHA256(instructions: instructions)
            for p in parts { h.update(p) }
            return h.finalize()
        }
        var plain = SHA256(instructions: false); plain.update([UInt8](repeating: 0x61, count: 1_000_000))
        #expect(plain.finalize().map { String(format: "%02x", $0) }.joined() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var rng = SeededGenerator(seed: 11)
        for n in [0, 1, 55, 56, 63, 64, 65, 119, 127, 128, 129, 1000, 4096 + 17] {
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let cut1 = n == 0 ? 0 : Int(rng.next() % UInt64(n + 1)), cut2 = n == 0 ? 0 : Int(rng.next() % UInt64(n + 1))
            let (a, b) = (min(cut1, cut2), max(cut1, cut2))
            let whole = digest([bytes[...]], instructions: false)
            #expect(digest([bytes[...]], instructions: true) == whole, "n = \(n)")
            #expect(digest([bytes[..<a], bytes[a..<b], bytes[b...]], instructions: true) == whole, "n = \(n), cuts \(a) \(b)")
        }
    }
}
