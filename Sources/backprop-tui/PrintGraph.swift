import BackpropCore
import BackpropData
import BackpropExplorer
import BackpropIO
import Foundation

/// `--print-graph`: the graph as a program with its shapes, then the backward program, on stdout.
enum PrintGraph {
    static func run(_ o: Options) throws(Failure) {
        let file = try o.graph.map { path throws(Failure) in try GraphFile.load(path) }
        let graph = file?.graph ?? Figure611.graph
        let source = try wrap { () throws(IOError) in
            try DataSource.load(o.data, testData: o.testData, precision: o.arithmetic)
        }
        let (m, h, d, k) = (o.minibatchSize, o.hiddenUnits, source.train.d, source.train.classes)
        if let file, let path = o.graph {
            try GraphFile.checkShapes(file.graph, text: file.text, path: path, d: d, k: k, h: h, m: m)
        }
        let shapes = graph.leafShapes(m: m, d: d, k: k, h: h)
        let parameters = graph.parameterShapes(d: d, k: k, h: h)
        func lines<T: Real>(_: T.Type) throws(Failure) -> ([String], [String]) {
            do {
                let e = try Engine<T>(graph: graph, constants: ["λ": T(o.weightDecay), "k": T(k)])
                guard let f = e.forwardProgram(leafShapes: shapes), let b = e.backwardProgram(leafShapes: shapes) else {
                    let given = listing(parameters)
                    throw Failure.usage(flag: "--graph", message: "the shapes do not fit these data (X \(m)×\(d), "
                                        + "\(given)); expected a graph whose products fit")
                }
                return (f, b)
            } catch let f as Failure { throw f } catch let e as EvalError { throw .eval(e) } catch {
                throw .usage(flag: "--graph", message: "\(error)")
            }
        }
        let (forward, backward) = o.arithmetic == .float32 ? try lines(Float.self) : try lines(Double.self)
        let name = graph == Figure611.graph ? "Figure 6.11" : inert((o.graph ?? "").pathLastComponent)
        print("# \(name) on \(source.train.name): m = \(m), d = \(d), n_h = \(h), k = \(k), λ = \(o.weightDecay)")
        print("# forward, in evaluation order")
        forward.forEach { print($0) }
        print("# backward, in the order the engine runs it (+= adds a contribution to a gradient)")
        backward.forEach { print($0) }
    }
}
