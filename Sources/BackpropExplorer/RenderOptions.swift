/// What the terminal can show; rendering adapts to it (ASCII outside UTF-8, no colour with NO_COLOR).
public struct RenderOptions: Hashable, Sendable {
    public var unicode: Bool
    public var color: Bool
    public var grays: Bool
    public init(unicode: Bool = true, color: Bool = true, grays: Bool = true) {
        self.unicode = unicode; self.color = color; self.grays = grays && color
    }
}
