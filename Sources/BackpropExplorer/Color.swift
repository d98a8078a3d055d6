/// Terminal colours: the 8 basic ones, and 24 greys for pictures (256-colour terminals).
public enum Color: Hashable, Sendable {
    case `default`, black, red, green, yellow, blue, magenta, cyan, white
    /// 0 (black) … 23 (white); falls back to characters of increasing density without 256 colours.
    case gray(Int)
}
