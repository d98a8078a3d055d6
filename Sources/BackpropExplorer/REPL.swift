import BackpropCore
import BackpropData

/// The `:` command language: parsing into actions, and completion.
public enum REPL {
    /// What a command line asks for: an action on the state, or an effect the shell performs.
    public enum Command: Equatable, Sendable {
        case action(Action)
        case record(path: String?)
        /// Write a checkpoint of the training loop (the --batch format: `--resume FILE` continues it).
        case save(path: String)
    }

    /// Commands with their usage, for `help` and completion.
    public static let commands: [(name: String, usage: String, summary: String)] = [
        ("set", "set lr|lambda|batch|hidden|seed VALUE", "change a setting (hidden and seed start a new model)"),
        ("reset", "reset", "new weights from the seed; clears the loss curve"),
        ("train", "train N | train epoch", "N minibatch updates (or the rest of the epoch) without stepping"),
        ("goto", "goto NODE | goto grad_NODE", "jump to the forward (or backward) step of a node"),
        ("inspect", "inspect NAME",
         "show a value, a gradient (grad_U1) or a quantity (G, G', HT_G …); no NAME follows the step"),
        ("check", "check", "finite-difference check of the selected gradient"),
        ("explain", "explain NAME[i,j]", "one entry of a value or gradient with the numbers of its rule"),
        ("quiz", "quiz on|off", "ask a question before each back-propagation step reveals its result"),
        ("answer", "answer TEXT", "answer the quiz question waiting (→ also opens the answer line)"),
        ("break", "break PRED", "stop training (and stepping) where PRED holds: nonfinite, norm(grad_W1) > 5, J > 3 …"),
        ("watch", "watch PRED", "show PRED's value (a statistic, or J) on the watch line at every step and update"),
        ("breaks", "breaks", "list the breakpoints and watches, numbered"),
        ("delete", "delete N", "remove breakpoint or watch N"),
        ("edit", "edit NAME[i,j] = V", "what if: change a weight, X, y (also [i,*], [*,j]) or λ, see ΔJ"),
        ("undo", "undo", "take back the last edit"),
        ("mark", "mark TEXT", "put a marker in the recorded session"),
        ("record", "record [FILE]", "start recording to FILE, or stop recording"),
        ("save", "save FILE", "write a checkpoint (weights and resume state; --batch --resume FILE continues it)"),
        ("help", "help", "every key and command"),
        ("quit", "quit", "leave (also q)"),
    ]

    /// Parses one command line.
    public static func parse(_ line: String) -> Result<Command, ExplorerError> {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let head = words.first else { return .failure(.usage("type a command, e.g. train 10; help lists them")) }
        let rest = Array(words.dropFirst())
        func arg(_ usage: String) -> Result<String, ExplorerError> {
            rest.count == 1 ? .success(rest[0]) : .failure(.usage(usage))
        }
        switch head {
        case "set":
            guard rest.count == 2 else { return .failure(.usage("set lr|lambda|batch|hidden|seed VALUE")) }
            guard let s = Setting(rawValue: rest[0]) else {
                return .failure(.badValue("unknown setting '\(inert(rest[0]))'; expected lr, lambda, batch, hidden or "
                                          + "seed"))
            }
            guard let v = Double(rest[1]) else { return .failure(.badValue("'\(inert(rest[1]))' is not a number")) }
            return .success(.action(.set(s, v)))
        case "reset": return rest.isEmpty ? .success(.action(.reset)) : .failure(.usage("reset"))
        case "train":
            switch arg("train N | train epoch") {
            case .failure(let e): return .failure(e)
            case .success("epoch"): return .success(.action(.trainEpoch))
            case .success(let n):
                guard let k = Int(n), k >= 1, k <= 1_000_000 else {
                    return .failure(.badValue("train: '\(inert(n))' is not a whole number from 1 to 1000000"))
                }
                return .success(.action(.train(steps: k)))
            }
        case "goto": return arg("goto NODE").map { .action(.goto($0)) }
        case "save": return arg("save FILE").map { .save(path: $0) }
        case "inspect": return .success(.action(.inspect(rest.joined(separator: " "))))
        case "explain":
            guard !rest.isEmpty else { return .failure(.usage("explain NAME[i,j]")) }
            return .success(.action(.explain(rest.joined(separator: " "))))
        case "quiz":
            switch rest {
            case ["on"]: return .success(.action(.quiz(true)))
            case ["off"]: return .success(.action(.quiz(false)))
            default: return .failure(.usage("quiz on|off"))
            }
        case "answer":
            guard !rest.isEmpty else { return .failure(.usage("answer TEXT")) }
            return .success(.action(.answer(rest.joined(separator: " "))))
        case "check": return rest.isEmpty ? .success(.action(.check)) : .failure(.usage("check"))
        case "break", "watch":
            guard !rest.isEmpty else { return .failure(.usage("\(head) PRED")) }
            let text = rest.joined(separator: " ")
            return .success(.action(head == "break" ? .breakOn(text) : .watch(text)))
        case "edit":
            guard !rest.isEmpty else { return .failure(.usage("edit NAME[i,j] = V")) }
            return .success(.action(.edit(rest.joined(separator: " "))))
        case "undo": return rest.isEmpty ? .success(.action(.undo)) : .failure(.usage("undo"))
        case "breaks": return rest.isEmpty ? .success(.action(.listProbes)) : .failure(.usage("breaks"))
        case "delete":
            switch arg("delete N") {
            case .failure(let e): return .failure(e)
            case .success(let n):
                guard let k = Int(n), k >= 1, k <= 1_000_000 else {
                    return .failure(.badValue("delete: '\(inert(n))' is not a breakpoint number; :breaks lists them"))
                }
                return .success(.action(.deleteProbe(k)))
            }
        case "mark":
            guard !rest.isEmpty else { return .failure(.usage("mark TEXT")) }
            let text = line.drop { $0 == " " }.dropFirst(4).drop { $0 == " " || $0 == "\t" }
            return .success(.action(.mark(String(text))))
        case "record": return rest.count <= 1 ? .success(.record(path: rest.first)) : .failure(.usage("record [FILE]"))
        case "help", "?": return .success(.action(.toggleHelp))
        case "quit", "q": return .success(.action(.quit))
        default: return .failure(.unknownCommand(inert(head)))
        }
    }

    /// Completions of the word being typed at the end of `line`.
    public static func completions(_ line: String, names: [String]) -> [String] {
        let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let last = words.last ?? ""
        let candidates: [String]
        if words.count <= 1 { candidates = commands.map(\.name) }
        else if words[0] == "set" && words.count == 2 { candidates = Setting.allCases.map(\.rawValue) }
        else if ["goto", "inspect", "explain"].contains(words[0]) && words.count == 2 { candidates = names }
        else if words[0] == "quiz" && words.count == 2 { candidates = ["on", "off"] }
        else if words[0] == "train" && words.count == 2 { candidates = ["epoch"] }
        else { candidates = [] }
        return candidates.filter { $0.hasPrefix(last) }
    }

    /// Control characters made visible, so untrusted text cannot drive the terminal.
    public static func inert(_ s: String) -> String { BackpropCore.inert(s, limit: 4096) }
}
