import BackpropCore
import BackpropIO
import Foundation
import Testing

/// SIGKILL during --batch with a checkpoint every step, again and again: no checkpoint is ever
/// torn, and resuming after every kill ends with the weights of a run never interrupted.
@Suite(.serialized) struct KillLoopTests {
    static let kills = Int(ProcessInfo.processInfo.environment["BACKPROP_KILLS"] ?? "") ?? 100

    func weights(_ path: String) -> [UInt8]? {
        guard let st = try? SafeTensors.load(path), let w1 = st["W1"], let w2 = st["W2"] else { return nil }
        return w1.bytes + w2.bytes
    }

    @Test func killAndResumeUntilDone() throws {
        let dir = tempDir()
        let common = ["--batch", "--epochs", "300", "--batch-size", "64", "--hidden", "64", "--checkpoint-every", "1"]
        let ref = Binary.run(common + ["--save", "\(dir)/ref.st"])
        try #require(ref.status == 0, "\(ref.stderr)")
        let ck = "\(dir)/ck.st"
        var torn = 0, killed = 0, finishedEarly = 0
        // Each run is killed once it has logged a seeded number of updates: after the log line of an
        // update comes its checkpoint, so the kill lands somewhere in or around that write.
        var rng = SeededGenerator(seed: 2026)
        let log = "\(dir)/log.jsonl"
        for _ in 0..<Self.kills {
            let resume = FileManager.default.fileExists(atPath: ck) ? ["--resume", ck] : []
            try? FileManager.default.removeItem(atPath: log)
            let (p, o, e) = Binary.start(common + resume + ["--save", ck, "--log", log, "--log-every", "1"])
            waitForLines(log, count: 1 + rng.nextIndex(below: 8), while: p)
            if p.isRunning { kill(p.processIdentifier, SIGKILL); killed += 1 }
            let r = Binary.finish(p, o, e)
            if r.status == 0 { finishedEarly += 1; try? FileManager.default.removeItem(atPath: ck) }   // start over
            // Whatever is on disk now must load as a whole checkpoint.
            if FileManager.default.fileExists(atPath: ck) && weights(ck) == nil { torn += 1 }
        }
        // Finish the interrupted run and compare with the uninterrupted one.
        let resume = FileManager.default.fileExists(atPath: ck) ? ["--resume", ck] : []
        let last = Binary.run(common + resume + ["--save", ck])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(torn == 0, "\(torn) torn checkpoints")
        #expect(killed >= Self.kills * 9 / 10, "only \(killed) of \(Self.kills) runs were still going when killed")
        #expect(weights(ck) != nil && weights(ck) == weights("\(dir)/ref.st"), "final weights differ from the uninterrupted run")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }
        print("kill loop: \(killed) SIGKILLs during --batch with a checkpoint every step, \(torn) torn checkpoints, \(finishedEarly) runs finished before the kill, \(leftovers.count) temporary files left by killed writers; final weights equal the uninterrupted run")
    }
}
