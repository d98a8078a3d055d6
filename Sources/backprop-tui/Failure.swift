import BackpropCore
import BackpropIO
import BackpropData

/// Every way a run can end early; rendered in one place as `backprop-tui: error: <where>: <what>`.
enum Failure: Error {
    case usage(flag: String, message: String)
    case io(IOError)
    case eval(EvalError)
    case diverged(step: Int, tensor: String, origin: String?)
    /// A `--break-on` predicate held (exit 4); the line is printed as it is, not as an error.
    case breakpoint(String)
    case interrupted(signal: Int32)
    case noTerminal(String)
    /// A session file that cannot be replayed (exit 65), or one whose digests disagree (exit 1).
    case session(file: String, message: String)
    case mismatch(file: String, message: String)

    var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .io(let e): e.exitCode
        case .eval: 65
        case .diverged: 3
        case .breakpoint: 4
        case .interrupted(let s): 128 + s
        case .noTerminal: 2
        case .session: 65
        case .mismatch: 1
        }
    }

    var message: String {
        switch self {
        case let .usage(flag, m): "\(flag): \(m)"
        case .io(let e): e.description
        case .eval(let e): "graph: \(e)"
        case let .diverged(step, tensor, origin):
            "step \(step): \(tensor) is not finite (NaN or Inf)" + (origin.map { ", \($0)" } ?? "")
                + "; training diverged, try a smaller --lr"
        case .breakpoint(let line): line
        case .interrupted(let s): "interrupted by signal \(s)"
        case .noTerminal(let m): m
        case let .session(f, m), let .mismatch(f, m): "\(inert(f, limit: 4096)): \(m)"
        }
    }
}
