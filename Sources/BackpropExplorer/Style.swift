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

/// Terminal colours: the 8 basic ones, and 24 greys for pictures (256-colour terminals).
public enum Color: Hashable, Sendable {
    case `default`, black, red, green, yellow, blue, magenta, cyan, white
    /// 0 (black) … 23 (white); falls back to characters of increasing density without 256 colours.
    case gray(Int)
}

/// What the terminal can show; rendering adapts to it (ASCII outside UTF-8, no colour with NO_COLOR).
public struct RenderOptions: Hashable, Sendable {
    public var unicode: Bool
    public var color: Bool
    public var grays: Bool
    public init(unicode: Bool = true, color: Bool = true, grays: Bool = true) {
        self.unicode = unicode; self.color = color; self.grays = grays && color
    }
}
