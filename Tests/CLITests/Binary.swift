import Foundation

/// Runs the built `backprop-tui` (a sibling of the test bundle) and captures what it prints.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Binary {
    static var path: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent == "MacOS" { dir = dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
        return dir.appendingPathComponent("backprop-tui").path
    }

    /// Starts the binary (or another `executable`, e.g. the Python that checks our files).
    static func start(_ args: [String], env: [String: String] = [:], executable: String = path,
                      cwd: String? = nil) -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        p.environment = e
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try! p.run()
        return (p, out, err)
    }

    static func finish(_ p: Process, _ out: Pipe, _ err: Pipe) -> Run {
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func run(_ args: [String], env: [String: String] = [:], executable: String = path,
                    cwd: String? = nil) -> Run {
        let (p, o, e) = start(args, env: env, executable: executable, cwd: cwd)
        return finish(p, o, e)
    }
}

func tempDir() -> String {
    let p = NSTemporaryDirectory() + "bpcli-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
}

/// Time limits of the end-to-end tests: they wait for an observed event (a line, a screen), and give
/// up only after the limit, which `BACKPROP_TEST_TIME_SCALE` multiplies on a slow or busy machine.
enum TestTime {
    static let scale = Double(ProcessInfo.processInfo.environment["BACKPROP_TEST_TIME_SCALE"] ?? "").flatMap { $0 > 0 ? $0 : nil } ?? 1
    /// The deadline `seconds` (scaled) from now.
    static func deadline(_ seconds: Double) -> Date { Date().addingTimeInterval(seconds * scale) }
}

/// A line another process writes as it ends (e.g. `echo EXIT=$? > rc` after the TUI), once it is
/// there in full; what the file holds at the time limit otherwise (nil: no file).
func waitForLine(_ path: String, seconds: Double = 20) -> String? {
    let end = TestTime.deadline(seconds)
    while true {
        let s = try? String(contentsOfFile: path, encoding: .utf8)
        if s?.hasSuffix("\n") == true || Date() >= end { return s }
        usleep(20_000)
    }
}

/// Waits until the file at `path` holds `count` complete lines (a log the process under test writes),
/// or `process` has ended, or the time limit; returns the lines there are.
@discardableResult
func waitForLines(_ path: String, count: Int, while process: Process? = nil, seconds: Double = 30) -> Int {
    let end = TestTime.deadline(seconds)
    while true {
        let n = bytes(path).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        if n >= count || process?.isRunning == false || Date() >= end { return n }
        usleep(2_000)
    }
}

/// Writes a fixture file; a test cannot go on without it.
func writeFixture(_ path: String, _ b: [UInt8]) {
    precondition(FileManager.default.createFile(atPath: path, contents: Data(b)), "cannot write the fixture \(path)")
}

func bytes(_ path: String) -> [UInt8] { FileManager.default.contents(atPath: path).map { Array($0) } ?? [] }
