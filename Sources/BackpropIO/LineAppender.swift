import Foundation
import BackpropData

/// An append-only JSON Lines file: each record is one write(2), flushed as it happens.
public final class LineAppender: @unchecked Sendable {
    let fd: Int32
    public let path: String

    public init(path: String, truncate: Bool = true) throws(IOError) {
        self.path = path
        try FileKind.checkWritable(path)
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND), 0o644)
        guard fd >= 0 else {
            throw IOError(path, "cannot create: \(String(cString: strerror(errno)))", kind: .cannotCreate)
        }
    }
    deinit { close(fd) }

    public func append(_ line: String) throws(IOError) {
        let bytes = Array((line + "\n").utf8)
        let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, bytes.count) }
        guard n == bytes.count else {
            throw IOError(path, "write failed: \(String(cString: strerror(errno)))", kind: .io)
        }
    }
}
