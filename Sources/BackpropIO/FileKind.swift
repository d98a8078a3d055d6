import Foundation

/// What is at a path that is not a regular file, in words for an error line.
struct FileKind: CustomStringConvertible {
    let mode: mode_t
    init(_ mode: mode_t) { self.mode = mode }

    var description: String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// Refuses to write over `path` when something other than a regular file is there: writing to a
    /// temporary name and renaming would replace a device or FIFO itself, and appending to a FIFO
    /// blocks. A path that does not exist yet is fine.
    static func checkWritable(_ path: String) throws(IOError) {
        var st = stat()
        guard stat(path, &st) == 0 else { return }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw IOError(path, "is \(FileKind(st.st_mode)), not a regular file; expected a file to write",
                          kind: .cannotCreate)
        }
    }
}
