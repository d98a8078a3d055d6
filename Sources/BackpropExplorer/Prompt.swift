/// The `:` command line being edited: text, history browsing and completion. A value; edits are pure.
public struct Prompt: Equatable, Sendable {
    public var text = ""
    /// Index into the history while browsing with ↑/↓ (nil when editing a new line).
    public var browsing: Int?
    /// An answer to the quiz question rather than a command (Enter answers; no history).
    public var answering = false
    public init(answering: Bool = false) { self.answering = answering }

    public mutating func insert(_ c: Character) { text.append(c); browsing = nil }
    public mutating func backspace() { if !text.isEmpty { text.removeLast() } }

    public mutating func up(_ history: [String]) {
        guard !history.isEmpty else { return }
        let i = max(0, (browsing ?? history.count) - 1)
        browsing = i; text = history[i]
    }

    public mutating func down(_ history: [String]) {
        guard let b = browsing else { return }
        if b + 1 < history.count { browsing = b + 1; text = history[b + 1] } else { browsing = nil; text = "" }
    }

    /// Completes the last word to the longest common prefix of the candidates; returns them.
    @discardableResult
    public mutating func complete(names: [String]) -> [String] {
        let options = REPL.completions(text, names: names)
        guard let first = options.first else { return [] }
        var common = first
        for o in options.dropFirst() { while !o.hasPrefix(common) { common.removeLast() } }
        let last = text.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        text += common.dropFirst(last.count)
        if options.count == 1 { text += " " }
        return options
    }
}
