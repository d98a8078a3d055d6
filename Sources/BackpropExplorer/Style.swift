/// How a cell is drawn: colours and attributes. The terminal layer maps these to ncurses pairs.
public struct Style: Hashable, Sendable {
    public var fg: Color = .default
    public var bg: Color = .default
    public var bold = false
    public var dim = false
    public var reverse = false
    public var underline = false

    public init(fg: Color = .default, bg: Color = .default, bold: Bool = false, dim: Bool = false,
                reverse: Bool = false, underline: Bool = false) {
        self.fg = fg; self.bg = bg; self.bold = bold; self.dim = dim; self.reverse = reverse; self.underline = underline
    }

    public static let plain = Style()
    public static let title = Style(reverse: true)
    public static let highlight = Style(fg: .yellow, bold: true)
    public static let gradient = Style(fg: .magenta, bold: true)
    public static let faint = Style(dim: true)
    public static let error = Style(fg: .red, bold: true)
    public static let heading = Style(bold: true)
}
