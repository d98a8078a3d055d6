/// A key press, decoded from the terminal (or from a test).
public enum Key: Hashable, Sendable {
    case char(Character)
    case left, right, up, down, home, end, pageUp, pageDown
    case enter, backspace, delete, tab, backTab, escape
    case resize
    /// Ctrl-C (the terminal is raw: it is a key, not SIGINT).
    case interrupt
}
