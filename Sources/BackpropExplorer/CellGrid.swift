/// A screen as a grid of cells: what rendering produces and what the terminal (or a test) consumes.
///
/// Each cell holds one character of display width 1 (the renderer uses only such characters).
public struct CellGrid: Equatable, Sendable {
    public struct Cell: Equatable, Sendable {
        public var char: Character
        public var style: Style
    }
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width); self.height = max(0, height)
        cells = Array(repeating: Cell(char: " ", style: .plain), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { if x >= 0, y >= 0, x < width, y < height { cells[y * width + x] = newValue } }
    }

    /// Writes `text` from (x, y) to the right, clipped to the grid and to `maxWidth`; returns the columns used.
    @discardableResult
    public mutating func put(_ x: Int, _ y: Int, _ text: String, _ style: Style = .plain, maxWidth: Int = .max) -> Int {
        guard y >= 0, y < height else { return 0 }
        var col = x, used = 0
        for ch in text {
            if used >= maxWidth || col >= width { break }
            if col >= 0 { cells[y * width + col] = Cell(char: ch, style: style) }
            col += 1; used += 1
        }
        return used
    }

    /// Restyles cells in a row range without changing their characters.
    public mutating func restyle(_ x: Int, _ y: Int, count: Int, _ f: (inout Style) -> Void) {
        guard y >= 0, y < height else { return }
        for c in max(0, x)..<min(width, x + count) where c >= 0 { f(&cells[y * width + c].style) }
    }

    public mutating func fill(_ rect: Rect, _ ch: Character = " ", _ style: Style = .plain) {
        for y in max(0, rect.y)..<min(height, rect.y + rect.height) {
            for x in max(0, rect.x)..<min(width, rect.x + rect.width) {
                cells[y * width + x] = Cell(char: ch, style: style)
            }
        }
    }

    /// The screen as text, one string per row, trailing spaces removed (what golden files hold).
    public var lines: [String] {
        (0..<height).map { y in
            var s = String(cells[(y * width)..<(y * width + width)].map(\.char))
            while s.last == " " { s.removeLast() }
            return s
        }
    }

    public var text: String { lines.joined(separator: "\n") }
}
