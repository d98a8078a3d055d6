import Foundation

/// The one place files are written: a temporary name in the same folder, fsync, rename, fsync the folder.
///
/// A crash at any moment leaves either the old file or the new one, never a mix.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(IOError) {
        let dir = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw IOError(path, "folder \(dir) does not exist; expected an existing folder", kind: .cannotCreate)
        }
        let tmp = "\(path).tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOError(path, "cannot create \(tmp): \(String(cString: strerror(errno)))", kind: .cannotCreate) }
        var ok = false
        defer { if !ok { unlink(tmp) } }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { let e = String(cString: strerror(errno)); close(fd); throw IOError(path, "write failed: \(e)", kind: .io) }
            done += n
        }
        guard fsync(fd) == 0 else { let e = String(cString: strerror(errno)); close(fd); throw IOError(path, "fsync failed: \(e)", kind: .io) }
        guard close(fd) == 0 else { throw IOError(path, "close failed: \(String(cString: strerror(errno)))", kind: .io) }
        guard rename(tmp, path) == 0 else { throw IOError(path, "cannot rename into place: \(String(cString: strerror(errno)))", kind: .cannotCreate) }
        ok = true
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }
}

/// An append-only JSON Lines file: each record is one write(2), flushed as it happens.
public final class LineAppender: @unchecked Sendable {
    let fd: Int32
    public let path: String

    public init(path: String, truncate: Bool = true) throws(IOError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND), 0o644)
        guard fd >= 0 else { throw IOError(path, "cannot create: \(String(cString: strerror(errno)))", kind: .cannotCreate) }
    }
    deinit { close(fd) }

    public func append(_ line: String) throws(IOError) {
        let bytes = Array((line + "\n").utf8)
        let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, bytes.count) }
        guard n == bytes.count else { throw IOError(path, "write failed: \(String(cString: strerror(errno)))", kind: .io) }
    }
}
