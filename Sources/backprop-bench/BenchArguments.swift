import BackpropCore
import BackpropExplorer
import BackpropIO
import Foundation

/// A bench mode's command line: a graph file, then counts. What is wrong with it goes to stderr as
/// one line naming the mode and the argument, with exit 64 (66 when a file or data set is missing).
struct BenchArguments {
    let mode: String, usage: String, args: [String]

    /// One line on stderr, then exit.
    func fail(_ what: String, code: Int32 = 64) -> Never {
        FileHandle.standardError.write(Data("backprop-bench \(mode): \(what)\n".utf8))
        exit(code)
    }

    /// The graph file given first, read and checked.
    func graph() -> (path: String, graph: Graph) {
        guard let path = args.first else { fail("no graph file; usage: \(usage)") }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            fail("cannot read graph file \(path)", code: 66)
        }
        do { return (path, try ExplorerConfig.graph(from: text)) } catch { fail("\(path): \(error.message)") }
    }

    /// Argument `i` as a whole number of at least 1, or `fallback` when it is not given.
    func count(_ i: Int, _ name: String, fallback: Int) -> Int {
        guard i < args.count else { return fallback }
        guard let n = Int(args[i]), n >= 1 else { fail("\(name) '\(args[i])': expected a whole number of at least 1") }
        return n
    }

    /// Fashion-MNIST, which every bench mode trains on.
    func fashionMNIST() -> DataSource {
        guard let src = try? DataSource.load("fashion-mnist") else {
            fail("needs fashion-mnist (apt-get install dataset-fashion-mnist)", code: 66)
        }
        return src
    }
}
