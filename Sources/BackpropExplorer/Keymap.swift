/// The one table from keys to actions (so sessions record actions, never keystrokes).
public enum Keymap {
    public struct Binding: Sendable {
        public var keys: [Key]
        public var label: String
        public var action: Action
        public var help: String
    }

    public static let bindings: [Binding] = [
        Binding(keys: [.right, .char("l")], label: "→ l", action: .stepForward, help: "next step"),
        Binding(keys: [.left, .char("h")], label: "← h", action: .stepBackward, help: "previous step"),
        Binding(keys: [.home, .char("g")], label: "Home g", action: .first, help: "first step"),
        Binding(keys: [.end, .char("G")], label: "End G", action: .last, help: "last step"),
        Binding(keys: [.char("f")], label: "f", action: .forwardPhase, help: "start of the forward pass"),
        Binding(keys: [.char("b")], label: "b", action: .backwardPhase, help: "start of back-propagation"),
        Binding(keys: [.char("{")], label: "{", action: .producer,
                help: "to a producer's step"),
        Binding(keys: [.char("}")], label: "}", action: .consumer,
                help: "to a consumer's step"),
        Binding(keys: [.char("n")], label: "n", action: .trainStep, help: "one SGD update, then the next minibatch"),
        Binding(keys: [.char("t")], label: "t", action: .train(steps: 100), help: "100 updates without stepping"),
        Binding(keys: [.char("e")], label: "e", action: .trainEpoch, help: "train to the end of the epoch"),
        Binding(keys: [.tab], label: "Tab", action: .nextTab, help: "next matrix"),
        Binding(keys: [.backTab], label: "S-Tab", action: .previousTab, help: "previous matrix"),
        Binding(keys: [.down, .char("j")], label: "↓ j", action: .scroll(rows: 1, cols: 0),
                help: "scroll the matrix down"),
        Binding(keys: [.up, .char("k")], label: "↑ k", action: .scroll(rows: -1, cols: 0), help: "scroll up"),
        Binding(keys: [.pageDown], label: "PgDn", action: .scroll(rows: 8, cols: 0), help: "scroll a page down"),
        Binding(keys: [.pageUp], label: "PgUp", action: .scroll(rows: -8, cols: 0), help: "scroll a page up"),
        Binding(keys: [.char(">")], label: ">", action: .scroll(rows: 0, cols: 1), help: "scroll right"),
        Binding(keys: [.char("<")], label: "<", action: .scroll(rows: 0, cols: -1), help: "scroll left"),
        Binding(keys: [.char("]")], label: "]", action: .picture(1), help: "next W1 column in the pictures"),
        Binding(keys: [.char("[")], label: "[", action: .picture(-1), help: "previous W1 column"),
        Binding(keys: [.char("c")], label: "c", action: .check, help: "finite-difference check of the shown gradient"),
        Binding(keys: [.char("p")], label: "p", action: .toggleProgram, help: "the backward program, stepped"),
        Binding(keys: [.char("?")], label: "?", action: .toggleHelp, help: "this help"),
        Binding(keys: [.escape], label: "Esc", action: .dismiss,
                help: "close help, check, explanation, question, pin or note"),
        Binding(keys: [.char("q")], label: "q", action: .quit, help: "quit"),
    ]

    static let table: [Key: Action] = {
        var t: [Key: Action] = [:]
        for b in bindings { for k in b.keys { t[k] = b.action } }
        return t
    }()

    /// The action bound to a key in normal mode.
    public static func action(for key: Key) -> Action? { table[key] }

    /// Keys that are not actions: `:` opens the command line, `/` opens it at `goto ` (to find a
    /// node by name), `r` toggles recording.
    public static let prompt: Key = .char(":")
    public static let find: Key = .char("/")
    public static let record: Key = .char("r")
}
