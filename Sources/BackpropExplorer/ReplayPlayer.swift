import BackpropCore
import BackpropData

/// A replay being watched: the session's position, playing or paused, the speed, and what the
/// replay keys do. Pure: the shell passes the time (`tick(now:)`) and the keys.
public struct ReplayPlayer: Sendable {
    public private(set) var replay: Replay
    public private(set) var playing: Bool
    public private(set) var speed: Double
    /// When the last line was played (seconds on the shell's clock).
    private var lastPlayed: Double

    /// The speeds `+` and `-` step through.
    public static let speeds = [0.25, 0.5, 1, 2, 4, 8]
    /// Idle gaps between recorded lines are played as at most this many seconds.
    public static let maxGap = 2.0

    public init(_ replay: Replay, now: Double) {
        self.replay = replay; playing = true; speed = 1; lastPlayed = now
    }

    /// The explorer's state at the current line.
    public var state: ExplorerState { replay.state }

    /// Plays the next line if it is due at `now`; true if the screen changed.
    public mutating func tick(now: Double) -> Bool {
        guard playing, !replay.atEnd else { return false }
        let lines = replay.file.lines, i = replay.index
        let previous = i > 0 ? lines[i - 1].time : 0
        let gap = min(Self.maxGap, max(0, lines[i].time - previous)) / speed
        guard now - lastPlayed >= gap else { return false }
        lastPlayed = now
        // A training line starts here and runs in the shell's slices (`continueTraining`).
        if replay.beginTraining() { return true }
        replay.forward()
        // A note (a lesson's explanation) waits for the reader: space goes on.
        if replay.atEnd || atNote { playing = false }
        return true
    }

    /// Whether the line just played is a note (`:mark`), which a playing replay pauses after.
    public var atNote: Bool {
        guard replay.index > 0, case .action(_, .mark) = replay.file.lines[replay.index - 1] else { return false }
        return true
    }

    /// Whether a training line is playing (the shell runs it in slices between frames).
    public var isTraining: Bool { replay.isTraining }

    /// Runs the training line under way while `proceed()` says; false once it is done.
    public mutating func continueTraining(while proceed: () -> Bool, now: Double) -> Bool {
        let more = replay.continueTraining(while: proceed)
        if !more {
            lastPlayed = now
            if replay.atEnd { playing = false }
        }
        return more
    }

    /// What a replay key does: nil for a key that is not a replay control (it takes the session
    /// over); otherwise the status line to show (empty: none), and whether the user asked to quit.
    public mutating func handle(_ key: Key, now: Double) -> (status: String, quit: Bool)? {
        switch key {
        case .char(" "): playing.toggle(); lastPlayed = now
        case .right, .char("."): replay.forward(); playing = false
        case .left, .char(","): replay.backward(); playing = false
        case .char("+"): speed = Self.speeds.first { $0 > speed } ?? speed
        case .char("-"): speed = Self.speeds.last { $0 < speed } ?? speed
        case .char("]"): if let m = replay.markers.first(where: { $0.index >= replay.index }) {
            replay.seek(to: m.index + 1)
        }
        case .char("["): if let m = replay.markers.last(where: { $0.index < replay.index - 1 }) {
            replay.seek(to: m.index + 1)
        }
        case .char("q"): return ("", true)
        default: return nil
        }
        return (replay.markers.last { $0.index < replay.index }.map { "marker: \($0.text)" } ?? "", false)
    }

    /// The chrome's replay indicator, e.g. `replay 'Tour' 12/80 ×2 paused`.
    public var indicator: String {
        let name = replay.file.header.title.map { "'" + inert($0, limit: 32) + "' " } ?? ""
        let x = speed == speed.rounded() ? String(Int(speed)) : String(speed)
        return "replay \(name)\(replay.index)/\(replay.file.lines.count) ×\(x) \(playing ? "playing" : "paused")"
    }

    /// The session's lines up to here: the log a user continues from when taking over.
    public var playedLines: [Session.Line] { Array(replay.file.lines.prefix(replay.index)) }
}
