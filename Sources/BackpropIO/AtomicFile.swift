import Foundation
import BackpropData

/// The one place files are written: a temporary name in the same folder, fsync, rename, fsync the folder.
///
/// A crash at any moment leaves either the old file or the new one, never a mix.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically, `chunk` bytes per write(2).
    public static func write(_ bytes: [UInt8], to path: String, ops: FileOps = .system,
                             chunk: Int = 1 << 20) throws(IOError) {
        let parent = (path as NSString).deletingLastPathComponent
        let dir = parent.isEmpty ? "." : parent
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw IOError(path, "folder \(dir) does not exist; expected an existing folder", kind: .cannotCreate)
        }
        try FileKind.checkWritable(path)
        let tmp = "\(path).tmp-\(getpid())"
        removeStaleTemporaries(of: path, in: dir)
        let fd = ops.open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw IOError(path, "cannot create \(tmp): \(String(cString: strerror(errno)))", kind: .cannotCreate)
        }
        var ok = false
        defer { if !ok { _ = ops.unlink(tmp) } }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { ops.write(fd, $0.baseAddress! + done, min(chunk, bytes.count - done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let e = String(cString: strerror(errno))
                _ = ops.close(fd)
                throw IOError(path, "write failed: \(e)", kind: .io)
            }
            done += n
        }
        guard ops.fsync(fd) == 0 else {
            let e = String(cString: strerror(errno))
            _ = ops.close(fd)
            throw IOError(path, "fsync failed: \(e)", kind: .io)
        }
        guard ops.close(fd) == 0 else {
            throw IOError(path, "close failed: \(String(cString: strerror(errno)))", kind: .io)
        }
        guard ops.rename(tmp, path) == 0 else {
            throw IOError(path, "cannot rename into place: \(String(cString: strerror(errno)))", kind: .cannotCreate)
        }
        ok = true
        let dfd = ops.open(dir, O_RDONLY | O_DIRECTORY, 0)
        if dfd >= 0 { _ = ops.fsync(dfd); _ = ops.close(dfd) }
    }
}

extension AtomicFile {
    /// Removes `path.tmp-PID` files whose writer is no longer running (a killed save leaves one).
    static func removeStaleTemporaries(of path: String, in dir: String) {
        let prefix = (path as NSString).lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for n in names where n.hasPrefix(prefix) {
            guard let pid = Int32(n.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(dir + "/" + n) }
        }
    }
}
