import Foundation
import Testing
import BackpropData
@testable import BackpropIO

/// Inputs the fuzzers found (Fuzz/run.sh), kept as fixtures: each must now be refused cleanly.
@Suite struct FuzzRegressionTests {
    func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/fuzz/" + name, withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    /// fuzz-csv: a feature of 5.5e124 is a finite Double but Inf as the Float it is stored in;
    /// it was accepted (and training would have diverged at once). Now refused with the column.
    @Test func csvFeatureBeyondFloat32() throws {
        let bytes = try fixture("csv-float32-overflow.csv")
        #expect(throws: IOError.self) { try CSV.parse(bytes, file: "f.csv", precision: .float32) }
        do { _ = try CSV.parse(bytes, file: "f.csv", precision: .float32) } catch {
            #expect(error.message.contains("line 1, column 2") && error.message.contains("outside the float32 range"), "\(error)")
        }
        #expect(throws: IOError.self) { try CSV.parse(Array("0,1e39\n1,2\n".utf8), file: "g.csv", precision: .float32) }
        guard case .floats(let f) = try CSV.parse(Array("0,3e38\n1,-3e38\n".utf8), file: "h.csv", precision: .float32).features else {
            Issue.record("float32 features expected"); return
        }
        #expect(f == [3e38, -3e38])
        // In float64 the same file is kept as it is written.
        guard case .doubles(let wide) = try CSV.parse(bytes, file: "f.csv", precision: .float64).features else {
            Issue.record("float64 features expected"); return
        }
        #expect(wide.contains { $0.isFinite && abs($0) > Double(Float.greatestFiniteMagnitude) }, "the value beyond float32 is kept")
    }

    /// fuzz-cli: Foundation's path functions trap on some one-character strings, so the folder and
    /// name of a path are found here; they agree with Foundation's on the ordinary cases.
    @Test func pathPartsOfAnyString() {
        let cases: [(String, parent: String, last: String)] = [
            ("a", "", "a"), ("\u{12}", "", "\u{12}"), ("ab", "", "ab"), ("/", "/", "/"), ("/a", "/", "a"),
            ("a/", "", "a"), ("a/b", "a", "b"), ("a/b/", "a", "b"), ("/a/b", "/a", "b"), ("a//b", "a", "b"),
            ("//a", "/", "a"), ("", "", ""), ("./c.st", ".", "c.st"),
        ]
        for c in cases {
            #expect(c.0.pathParent == c.parent, "parent of \(c.0.debugDescription)")
            #expect(c.0.pathLastComponent == c.last, "last component of \(c.0.debugDescription)")
        }
    }
}
