import Foundation
import BackpropData

/// The one place files are written: a temporary name in the same folder, fsync, rename, fsync the folder.
///
/// A crash at any moment leaves either the old file or the new one, never a mix.
public enum AtomicFile {
    /// Writes bytes to the file being made (`write(to:produce:)`).
    public typealias Emit = ([UInt8]) throws(IOError) -> Void

    /// Writes `bytes` to `path` atomically, `chunk` bytes per write(2).
    public static func write(_ bytes: [UInt8], to path: String, ops: FileOps = .system,
                             chunk: Int = 1 << 20) throws(IOError) {
        try write(to: path, ops: ops, chunk: chunk) { (emit: Emit) throws(IOError) -> Bool in
            try emit(bytes)
            return true
        }
    }

    /// Writes what `produce` emits to `path` atomically, as it is emitted (`chunk` bytes per write(2)
    /// at most): a long export never holds the whole file in memory. If `produce` returns false the
    /// file is abandoned: the temporary one is removed and `path` is left as it was. Returns whether
    /// the file was written.
    @discardableResult
    public static func write(to path: String, ops: FileOps = .system, chunk: Int = 1 << 20,
                             produce: (_ emit: Emit) throws(IOError) -> Bool) throws(IOError) -> Bool {
        let parent = path.pathParent
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
        var ok = false, open = true
        defer {
            if open { _ = ops.close(fd) }
            if !ok { _ = ops.unlink(tmp) }
        }
        func emit(_ bytes: [UInt8]) throws(IOError) {
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeBytes { ops.write(fd, $0.baseAddress! + done, min(chunk, bytes.count - done)) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw IOError(path, "write failed: \(String(cString: strerror(errno)))", kind: .io) }
                done += n
            }
        }
        guard try produce(emit) else { return false }
        guard ops.fsync(fd) == 0 else {
            throw IOError(path, "fsync failed: \(String(cString: strerror(errno)))", kind: .io)
        }
        open = false
        guard ops.close(fd) == 0 else {
            throw IOError(path, "close failed: \(String(cString: strerror(errno)))", kind: .io)
        }
        guard ops.rename(tmp, path) == 0 else {
            throw IOError(path, "cannot rename into place: \(String(cString: strerror(errno)))", kind: .cannotCreate)
        }
        ok = true
        let dfd = ops.open(dir, O_RDONLY | O_DIRECTORY, 0)
        if dfd >= 0 { _ = ops.fsync(dfd); _ = ops.close(dfd) }
        return true
    }
}

extension AtomicFile {
    /// Removes `path.tmp-PID` files whose writer is no longer running (a killed save leaves one).
    static func removeStaleTemporaries(of path: String, in dir: String) {
        let prefix = path.pathLastComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for n in names where n.hasPrefix(prefix) {
            guard let pid = Int32(n.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(dir + "/" + n) }
        }
    }
}
