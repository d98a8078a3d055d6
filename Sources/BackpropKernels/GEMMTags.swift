// The micro-kernel's compile-time choices, as types so that each combination is compiled on its own.

/// Tile widths of the micro-kernel, as types so that each is compiled on its own.
protocol TileWidth { static var wide: Bool { get } }
/// Two vectors of columns (8×32 Float).
enum Wide: TileWidth { static var wide: Bool { true } }
/// One vector of columns (8×16 Float), for n ≤ one vector.
enum Narrow: TileWidth { static var wide: Bool { false } }
/// Whether the SGD epilogue also sums squares (of the updated weights, or of the gradients; see `GEMM.sgdTile`), as
/// types for the same reason.
protocol SquaresMode { static var on: Bool { get } }
enum Squared: SquaresMode { static var on: Bool { true } }
enum Plain: SquaresMode { static var on: Bool { false } }

/// Which terms of the k-chain the micro-kernel takes, as types for the same reason.
protocol TermOrder { static var sparse: Bool { get } }
/// Every term, p = 0..<kb.
enum Dense: TermOrder { static var sparse: Bool { false } }
/// The terms listed for the panel (where its A values are not all zero).
enum Sparse: TermOrder { static var sparse: Bool { true } }
/// Where the micro-kernel reads A, as types for the same reason.
protocol PanelLayout { static var inPlace: Bool { get } }
/// A packed panel: the 8 values of a term side by side.
enum Packed: PanelLayout { static var inPlace: Bool { false } }
/// 8 rows `lda` apart: a row-major A where it lies, or a pitched panel.
enum Rows: PanelLayout { static var inPlace: Bool { true } }
