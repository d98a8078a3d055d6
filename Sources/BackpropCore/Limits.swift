/// The ranges flags and settings may take, one definition for every face (the command line, the
/// TUI's `:set`, session headers).
public enum Limits {
    /// Hidden units n_h.
    public static let hidden = 1...4096
    /// Threads for the products.
    public static let threads = 1...256
}
