import Foundation
import BackpropData

/// The system calls file writing goes through; tests substitute a version that "crashes" at a
/// chosen call, to show a write interrupted anywhere leaves the old file or the new one.
public struct FileOps: Sendable {
    public var open: @Sendable (String, Int32, mode_t) -> Int32
    public var write: @Sendable (Int32, UnsafeRawPointer, Int) -> Int
    public var fsync: @Sendable (Int32) -> Int32
    public var close: @Sendable (Int32) -> Int32
    public var rename: @Sendable (String, String) -> Int32
    public var unlink: @Sendable (String) -> Int32

    public init(open: @escaping @Sendable (String, Int32, mode_t) -> Int32,
                write: @escaping @Sendable (Int32, UnsafeRawPointer, Int) -> Int,
                fsync: @escaping @Sendable (Int32) -> Int32, close: @escaping @Sendable (Int32) -> Int32,
                rename: @escaping @Sendable (String, String) -> Int32, unlink: @escaping @Sendable (String) -> Int32) {
        self.open = open; self.write = write; self.fsync = fsync
        self.close = close; self.rename = rename; self.unlink = unlink
    }

    public static let system = FileOps(
        open: { Foundation.open($0, $1, $2) }, write: { Foundation.write($0, $1, $2) }, fsync: { Foundation.fsync($0) },
        close: { Foundation.close($0) }, rename: { Foundation.rename($0, $1) }, unlink: { Foundation.unlink($0) })
}
