import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The whole command line, flags and a small file together, through the real binary
/// (`BACKPROP_BINARY`): the input is up to 12 arguments separated by NUL bytes, then a 0x01 byte
/// and the bytes of a file; an argument `@` names that file, `@out` a path to write to. Every run
/// is bounded (`--steps 3`, `--memory-limit 1` are appended; 10 s at most). A run must end with a
/// documented exit code, not a signal or a hang, and a failing one with exactly one line on stderr
/// of at most 300 characters, without control characters.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0x01) ?? bytes.count
    var args = bytes[..<split].split(separator: 0x00, omittingEmptySubsequences: true).prefix(12).map { String(decoding: $0, as: UTF8.self) }
    let content = split < bytes.count ? Array(bytes[(split + 1)...]) : []
    let dir = Sandbox.dir
    let file = dir + "/in", out = dir + "/out"
    unlink(out)
    Sandbox.writeAll(file, content)
    args = args.map { $0 == "@" ? file : $0 == "@out" ? out : $0 }
    // Only the sandbox's files and the embedded data may be read: a fuzzed path elsewhere could be
    // anything on the machine (and Fashion-MNIST would make every run slow).
    if args.contains(where: { $0.hasPrefix("/") && !$0.hasPrefix(dir) }) || args.contains("fashion-mnist") { return 0 }
    args += ["--steps", "3", "--memory-limit", "1"]
    let (status, stderr) = Sandbox.run(args)
    switch status {
    case .timeout: preconditionFailure("hang: \(args)")
    case .signal(let s): preconditionFailure("signal \(s): \(args)")
    case .exit(let code):
        precondition([0, 1, 2, 3, 4, 64, 65, 66, 73, 74].contains(code), "exit \(code): \(args)")
        if code != 0 && code != 2 {
            let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
            precondition(lines.count == 1, "\(lines.count) error lines: \(args)")
            precondition(lines[0].count <= 300, "an error line of \(lines[0].count) characters: \(args)")
            precondition(!lines[0].unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "control characters: \(args)")
        }
    }
    return 0
}

/// Where the fuzzed files live, and how the binary is run.
enum Sandbox {
    static let dir: String = {
        let d = NSTemporaryDirectory() + "fuzz-cli-\(getpid())"
        mkdir(d, 0o700)
        return d
    }()
    static let binary = ProcessInfo.processInfo.environment["BACKPROP_BINARY"] ?? "../.build/release/backprop-tui"

    enum Status { case exit(Int32), signal(Int32), timeout }

    /// A small file's text, read with POSIX calls (Foundation's reader leaks a buffer on an empty
    /// file, which the fuzzer's leak check would report as ours).
    static func readAll(_ path: String) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var out = [UInt8](), buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes a fuzzed file with POSIX calls, not flushed to disk: Foundation's `createFile` syncs
    /// it (`fsync`), which once stalled for 13 s behind the host's disk and read as a hang of ours.
    static func writeAll(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n <= 0 { break }
            done += n
        }
    }

    /// Runs the binary in the sandbox with stdin from /dev/null and stderr captured; kills it after 10 s.
    static func run(_ args: [String]) -> (Status, String) {
        let errPath = dir + "/stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none); sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        // Through sh only to start in the sandbox (files a run writes by default land there); `exec`
        // leaves the binary's own exit status or signal.
        let argv = (["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", dir, binary] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        env["FASHION_MNIST_DIR"] = dir + "/none"
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp) == 0 else { preconditionFailure("cannot run \(binary)") }
        var status: Int32 = 0
        var waited = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if waited >= 10_000 { kill(pid, SIGKILL); waitpid(pid, &status, 0); return (.timeout, "") }
            usleep(1_000); waited += 1
        }
        let err = readAll(errPath)
        if status & 0x7F != 0 { return (.signal(status & 0x7F), err) }
        return (.exit((status >> 8) & 0xFF), err)
    }
}
