import BackpropCore

/// A tensor a weights file must hold: a parameter's name and shape, and where the shape comes from
/// (for the error line when the file's differs).
public struct ExpectedTensor: Sendable {
    public var name: String
    public var shape: Shape
    public var why: String
    public init(name: String, shape: Shape, why: String) { self.name = name; self.shape = shape; self.why = why }
}
