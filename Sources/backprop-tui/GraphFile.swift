import BackpropCore
import BackpropData
import BackpropExplorer
import BackpropIO

/// `--graph FILE`: read, parsed and checked against the data before anything runs; every error is
/// one line `FILE:line:col: what`, at the line of the node at fault.
enum GraphFile {
    /// The graph of `path` (parse errors at their line and column).
    static func load(_ path: String) throws(Failure) -> (graph: Graph, text: String) {
        let bytes = try wrap { () throws(IOError) in try FileBytes.read(path, limit: 1 << 20) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .io(IOError(path, "not UTF-8 text; expected graph text"))
        }
        do throws(ExplorerError) { return (try ExplorerConfig.graph(from: text), text) } catch {
            // A graph that parses but cannot be trained: at the line of the node at fault.
            if let g = try? Graph(parsing: text), let fault = g.trainingFault, fault.message == error.message,
               let node = fault.node, let at = position(of: node, in: text) {
                throw .io(IOError("\(path):\(at.line):\(at.column)", fault.message))
            }
            throw .io(located(path, error.message))
        }
    }

    /// The first node whose shapes do not fit these data and sizes, at its line in `text`.
    static func checkShapes(_ graph: Graph, text: String, path: String, d: Int, k: Int, h: Int,
                            m: Int) throws(Failure) {
        let leaves = graph.leafShapes(m: m, d: d, k: k, h: h)
        guard let engine = try? Engine<Double>(graph: graph, constants: ["λ": 0, "k": Double(k)]),
              let (node, error) = engine.shapeProblem(leafShapes: leaves) else { return }
        let name = graph.nodes[node].name
        let at = position(of: name, in: text).map { "\($0.line):\($0.column): " } ?? ""
        throw .io(located(path, at + "\(error) (X is \(m)×\(d), k = \(k), h = \(h))"))
    }

    /// The line and the column of the op of the line that assigns `name` (the parser accepted the text).
    static func position(of name: String, in text: String) -> (line: Int, column: Int)? {
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let chars = Array(raw)
            guard let eq = chars.firstIndex(of: "=") else { continue }
            let lhs = String(chars[..<eq]).trimmingCharacters(in: .whitespaces)
            guard lhs == name else { continue }   // a comment's "# x = …" never equals a node's name
            var c = eq + 1
            while c < chars.count, chars[c] == " " || chars[c] == "\t" { c += 1 }
            return (i + 1, c + 1)
        }
        return nil
    }

    /// `FILE:line:col: what` for a message that begins `line:col: `, else `FILE: message`.
    static func located(_ path: String, _ message: String) -> IOError {
        let parts = message.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count == 3, let l = Int(parts[0]), let c = Int(parts[1]), parts[2].hasPrefix(" ") {
            return IOError("\(path):\(l):\(c)", String(parts[2].dropFirst()))
        }
        return IOError(path, message)
    }
}
