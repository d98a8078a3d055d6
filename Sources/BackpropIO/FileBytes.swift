import Foundation

/// Reading whole files, with the errors users should see.
public enum FileBytes {
    /// The bytes of `path`; a missing file or a directory is reported as such.
    public static func read(_ path: String, limit: Int = 1 << 31) throws(IOError) -> [UInt8] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw IOError(path, "no such file; expected an existing file", kind: .missing)
        }
        if isDir.boolValue { throw IOError(path, "is a directory; expected a file", kind: .badData) }
        // Non-blocking, so that a FIFO or a device cannot hold the open; only regular files are read.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw IOError(path, "cannot open: \(String(cString: strerror(errno)))", kind: .missing) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw IOError(path, "cannot stat: \(String(cString: strerror(errno)))", kind: .io)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw IOError(path, "is \(FileKind(st.st_mode)), not a regular file; expected a file")
        }
        let size = Int(st.st_size)
        guard size <= limit else { throw IOError(path, "file is \(size) bytes; expected at most \(limit)") }
        var out = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = out.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw IOError(path, "read failed after \(done) of \(size) bytes", kind: .io) }
            done += n
        }
        return out
    }
}
