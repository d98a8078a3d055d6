import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program with posix_spawn (not Foundation's Process, which hangs when a tmux server
/// inherits its pipe), with the signal mask and dispositions reset so the child sees SIGWINCH.
enum Spawn {
    /// Runs to completion; returns the exit status and standard output (nil: output discarded).
    @discardableResult
    static func run(_ argv: [String], capture: Bool = true) -> (status: Int32, output: String) {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var fds: [Int32] = [-1, -1]
        if capture {
            _ = pipe(&fds)
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t(); sigemptyset(&empty)
        var all = sigset_t(); sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let cargs = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, cargs, environ)
        if capture { close(fds[1]) }
        guard rc == 0 else { if capture { close(fds[0]) }; return (127, "") }
        var out = [UInt8]()
        if capture {
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fds[0], &buf, buf.count)
                if n <= 0 { break }
                out += buf[0..<n]
            }
            close(fds[0])
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, String(decoding: out, as: UTF8.self))
    }
}

/// A private tmux server with one window, driven like a person at a keyboard.
final class Tmux {
    let socket: String
    init(width: Int, height: Int, command: String) {
        socket = NSTemporaryDirectory() + "bp-tmux-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        Spawn.run(["tmux", "-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", command], capture: false)
    }
    deinit { kill() }

    func kill() {
        Spawn.run(["tmux", "-S", socket, "kill-server"], capture: false)
        unlink(socket)
    }

    func keys(_ k: String...) { Spawn.run(["tmux", "-S", socket, "send-keys"] + k, capture: false) }
    func literal(_ text: String) { Spawn.run(["tmux", "-S", socket, "send-keys", "-l", text], capture: false) }
    func resize(_ w: Int, _ h: Int) { Spawn.run(["tmux", "-S", socket, "resize-window", "-x", "\(w)", "-y", "\(h)"], capture: false) }
    var screen: String { Spawn.run(["tmux", "-S", socket, "capture-pane", "-p"]).output }
    func format(_ f: String) -> String {
        Spawn.run(["tmux", "-S", socket, "display-message", "-p", f]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the screen until `condition` holds (or `seconds` pass); returns the last screen.
    @discardableResult
    func wait(seconds: Double = 20, _ condition: (String) -> Bool) -> String {
        let end = TestTime.deadline(seconds)
        var s = screen
        while !condition(s) && Date() < end {
            usleep(20_000)
            s = screen
        }
        return s
    }

    /// Like `wait`, then also until the screen stops changing (a frame may arrive in pieces).
    @discardableResult
    func settled(seconds: Double = 20, _ condition: (String) -> Bool) -> String {
        var s = wait(seconds: seconds, condition)
        let end = TestTime.deadline(seconds)
        while Date() < end {
            usleep(30_000)
            let t = screen
            if t == s && condition(t) { return t }
            s = t
        }
        return s
    }

    static var available: Bool { Spawn.run(["tmux", "-V"]).status == 0 }
}
