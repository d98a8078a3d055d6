import TestSupport
import BackpropCore
import Foundation
import Testing
@testable import BackpropIO

/// Counts system calls and "crashes" at a chosen one: that call and every later one fail without
/// effect, as if the process had died there (no clean-up runs either).
final class Crasher: @unchecked Sendable {
    var calls: [String] = []
    let crashAt: Int
    init(crashAt: Int) { self.crashAt = crashAt }
    var crashed: Bool { calls.count >= crashAt }

    func call<R>(_ name: String, failure: R, _ body: () -> R) -> R {
        calls.append(name)
        if crashed { errno = EIO; return failure }
        return body()
    }

    var ops: FileOps {
        let s = FileOps.system
        return FileOps(
            open: { p, f, m in self.call("open", failure: -1) { s.open(p, f, m) } },
            write: { fd, b, n in self.call("write", failure: -1) { s.write(fd, b, n) } },
            fsync: { fd in self.call("fsync", failure: -1) { s.fsync(fd) } },
            close: { fd in self.call("close", failure: -1) { s.close(fd) } },
            rename: { a, b in self.call("rename", failure: -1) { s.rename(a, b) } },
            unlink: { p in self.call("unlink", failure: -1) { s.unlink(p) } })
    }
}

/// What a writer that rewrites the file in place does: the test must catch it.
func naiveWrite(_ bytes: [UInt8], to path: String, ops: FileOps, chunk: Int) throws {
    let fd = ops.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw IOError(path, "open") }
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { ops.write(fd, $0.baseAddress! + done, min(chunk, bytes.count - done)) }
        guard n > 0 else { throw IOError(path, "write") }
        done += n
    }
    guard ops.fsync(fd) == 0, ops.close(fd) == 0 else { throw IOError(path, "fsync") }
}

@Suite struct CrashSafetyTests {
    func checkpoint(seed: UInt64, step: Int) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        let W1: Matrix<Float> = Initializer.he.weights(fanIn: 40, fanOut: 32, rng: &rng)
        let W2: Matrix<Float> = Initializer.he.weights(fanIn: 32, fanOut: 10, rng: &rng)
        return WeightsFile(W1: W1, W2: W2, metadata: [("step", "\(step)")]).encoded()
    }

    /// Interrupts a save at every system call in turn; returns (crash points, whole files after them).
    func tryEveryCrashPoint(_ write: ([UInt8], String, FileOps) throws -> Void) throws -> (points: Int, whole: Int, calls: [String]) {
        let dir = tempDir(), path = dir + "/checkpoint.safetensors"
        let old = checkpoint(seed: 1, step: 100), new = checkpoint(seed: 2, step: 200)
        let dry = Crasher(crashAt: .max)
        try AtomicFile.write(old, to: path)
        try write(new, path, dry.ops)
        var whole = 0
        for k in 0...dry.calls.count {
            try AtomicFile.write(old, to: path)
            let c = Crasher(crashAt: k)
            try? write(new, path, c.ops)
            // The next start: what loads must be exactly the old checkpoint or the new one.
            let bytes = (try? FileBytes.read(path)) ?? []
            if (bytes == old || bytes == new), let st = try? SafeTensors.load(path), ["100", "200"].contains(st.meta("step") ?? "") { whole += 1 }
        }
        return (dry.calls.count + 1, whole, dry.calls)
    }

    @Test func aSaveInterruptedAtAnyCallLeavesTheOldFileOrTheNew() throws {
        let r = try tryEveryCrashPoint { b, p, ops in try AtomicFile.write(b, to: p, ops: ops, chunk: 1024) }
        #expect(r.calls.filter { $0 == "write" }.count >= 3, "\(r.calls)")
        #expect(r.calls.contains("rename") && r.calls.filter { $0 == "fsync" }.count == 2, "file and folder are synced: \(r.calls)")
        #expect(r.whole == r.points, "\(r.whole) of \(r.points) crash points kept a whole checkpoint")
        print("crash-safe save: \(r.whole) of \(r.points) crash points kept a whole checkpoint (calls: \(r.calls.joined(separator: " ")))")
    }

    @Test func theSameTestCatchesAnInPlaceWriter() throws {
        let r = try tryEveryCrashPoint { b, p, ops in try naiveWrite(b, to: p, ops: ops, chunk: 1024) }
        #expect(r.whole < r.points, "an in-place writer must leave a torn or empty file at some crash point")
        print("in-place writer: \(r.whole) of \(r.points) crash points kept a whole checkpoint")
    }
}
