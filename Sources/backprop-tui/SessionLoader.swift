import BackpropCore
import BackpropExplorer
import BackpropIO
import Foundation
import BackpropData

/// Reads a session file (untrusted) and the data it names, checking the data is the same.
enum SessionLoader {
    /// Session files larger than this are refused before reading.
    static let maxFileBytes = 256 << 20

    static func load(_ path: String, dataOverride: String?, threads: Int = 1) throws(Failure)
        -> (Session.File, ExplorerState) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw .io(IOError(path, "cannot open: \(String(cString: strerror(errno)))", kind: .missing))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw .session(file: path, message: "not a regular file; expected a session (.jsonl)")
        }
        guard Int(st.st_size) <= maxFileBytes else {
            throw .session(file: path, message: "\(st.st_size) bytes is larger than the 256 MiB a session may be")
        }
        let bytes = try wrap { () throws(IOError) in try FileBytes.read(path) }
        let file: Session.File
        do { file = try Session.parse(bytes) } catch { throw .session(file: path, message: error.message) }
        if let w = file.warning {
            FileHandle.standardError.write("backprop-tui: warning: \(inert(path)): \(w)\n".data(using: .utf8)!)
        }
        let c = file.header.config
        // A session may only make us read the embedded data, Fashion-MNIST, or a path the user named.
        let spec: String
        if c.data == "spiral" || c.data == "fashion-mnist" { spec = dataOverride ?? c.data }
        else if let d = dataOverride { spec = d }
        else {
            throw .session(file: path,
                           message: "line 1: the session uses data from '\(inert(c.data))'; pass --data PATH to allow "
                                    + "reading it")
        }
        let source: DataSource
        do { source = try DataSource.load(spec, precision: c.precision) } catch {
            if c.data == "fashion-mnist" && error.kind == .missing {
                throw .session(file: path, message: "line 1: the session needs Fashion-MNIST: \(error.message)")
            }
            throw .io(error)
        }
        guard source.train.digest == c.dataDigest else {
            throw .session(file: path,
                           message: "line 1: the data differs from the recording: '\(inert(spec))' has sha256 "
                                    + "\(source.train.digest.prefix(16))…, the session expects "
                                      + "\(c.dataDigest.prefix(16))…")
        }
        guard c.batchSize <= source.train.count else {
            throw .session(file: path,
                           message: "line 1: batch \(c.batchSize) is larger than the \(source.train.count) examples")
        }
        do { return (file, try ExplorerState(config: c, train: source.train, test: source.test, threads: threads)) }
        catch { throw .eval(error) }
    }
}
