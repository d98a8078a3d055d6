import BackpropCore
import BackpropData
import BackpropTraining

/// A recorded session: a header line, then one JSON Lines record per action, digest or marker.
///
/// Replay re-executes the actions on the engine (a fold through `Explorer.reduce`); digests let a
/// replay prove it reached the same weights, cursor and J as the recording.
public enum Session {
    public static let format = "backprop-tui session"
    public static let version = 1
    /// Written in each header. 0.5.0 sums matrices in a new fixed order (`Reduce`): J can differ
    /// in its last digit from a session recorded by 0.4.0, the weights cannot.
    /// 0.6.0 trains on the loop `--batch` uses (its generator, the partial last minibatch): sessions
    /// recorded before replay other numbers.
    public static let toolVersion = "backprop-tui 0.6.0"
    /// Longer lines are refused before parsing (an untrusted file cannot make us allocate more).
    public static let maxLineBytes = 1 << 20

    /// The first line: what the session needs to be replayed exactly.
    public struct Header: Equatable, Sendable {
        public var config: ExplorerConfig
        public var columns: Int
        public var rows: Int
        public var title: String?
        public var description: String?
        public var tool: String = Session.toolVersion
        public init(config: ExplorerConfig, columns: Int, rows: Int, title: String? = nil, description: String? = nil) {
            self.config = config; self.columns = columns; self.rows = rows
            self.title = title; self.description = description
        }
    }

    /// One line after the header. `t` is seconds since the recording started.
    public enum Line: Equatable, Sendable {
        case action(t: Double, Action)
        case digest(t: Double, Digest)
        case marker(t: Double, String)
        public var time: Double {
            switch self { case .action(let t, _), .digest(let t, _), .marker(let t, _): t }
        }
    }

    /// A digest of what replay must reproduce: W1, W2, the step cursor, the update count and J.
    public struct Digest: Equatable, Sendable {
        public var sha256: String
        public var J: Double?
        public var position: Int
        public var updates: Int
        /// The quiz score `R/N` once a question has been answered (nil before: older digests stay valid).
        public var quiz: String?

        public init(_ s: ExplorerState) {
            var h = SHA256()
            func add(_ words: [UInt64]) {
                h.update(words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } })
            }
            for p in s.params { add(p.value.storage.map(\.bitPattern)) }
            add([UInt64(s.position), UInt64(s.updates), UInt64(s.cursor), UInt64(s.epoch),
                 (s.currentJ ?? .nan).bitPattern])
            add(s.run.streamWords)
            if s.quiz.asked > 0 { add([UInt64(s.quiz.right), UInt64(s.quiz.asked)]) }
            sha256 = SHA256.hex(h.finalize())
            J = s.currentJ; position = s.position; updates = s.updates
            quiz = s.quiz.asked > 0 ? "\(s.quiz.right)/\(s.quiz.asked)" : nil
        }
        public init(sha256: String, J: Double?, position: Int, updates: Int, quiz: String? = nil) {
            self.sha256 = sha256; self.J = J; self.position = position; self.updates = updates; self.quiz = quiz
        }
    }

    // MARK: Encoding

    static func number(_ x: Double) -> JSON { .number(x) }

    public static func encode(_ h: Header) -> String {
        let c = h.config
        var o: [(String, JSON)] = [
            ("format", .string(format)), ("version", .number(Double(version))), ("tool", .string(h.tool)),
            ("config", .object([
                ("data", .string(c.data)), ("data_sha256", .string(c.dataDigest)), ("hidden",
                    .number(Double(c.hidden))),
                ("batch", .number(Double(c.batchSize))), ("lr", .number(c.lr)), ("lambda", .number(c.lambda)),
                ("seed", .string(String(c.seed))), ("precision", .string(c.precision.rawValue)),
                ("rng", .string(c.rng.rawValue)), ("shuffle", .bool(c.shuffle)),
                ("init_scheme", .string(c.initScheme.rawValue)),
            ])),
            ("terminal", .object([("cols", .number(Double(h.columns))), ("rows", .number(Double(h.rows)))])),
        ]
        if let g = c.graph { o.append(("graph", .string(g))) }
        if let t = h.title { o.append(("title", .string(t))) }
        if let d = h.description { o.append(("description", .string(d))) }
        return JSON.object(o).text
    }

    /// Seconds with millisecond precision (what a recording needs; keeps lines short).
    static func time(_ t: Double) -> JSON { .number((t * 1000).rounded() / 1000) }

    public static func encode(_ line: Line) -> String {
        switch line {
        case let .action(t, a): return JSON.object([("t", time(t))] + fields(a)).text
        case let .digest(t, d):
            return JSON.object([("t", time(t)), ("digest", .string(d.sha256)), ("J", d.J.map { .number($0) } ?? .null),
                                ("position", .number(Double(d.position))), ("updates", .number(Double(d.updates)))]
                               + (d.quiz.map { [("quiz", JSON.string($0))] } ?? [])).text
        case let .marker(t, m): return JSON.object([("t", time(t)), ("marker", .string(m))]).text
        }
    }

    /// The action's name and arguments as JSON fields.
    static func fields(_ a: Action) -> [(String, JSON)] {
        func name(_ n: String, _ rest: [(String, JSON)] = []) -> [(String, JSON)] { [("action", .string(n))] + rest }
        switch a {
        case .stepForward: return name("stepForward")
        case .stepBackward: return name("stepBackward")
        case .first: return name("first")
        case .last: return name("last")
        case .forwardPhase: return name("forwardPhase")
        case .backwardPhase: return name("backwardPhase")
        case .goto(let n): return name("goto", [("node", .string(n))])
        case .producer: return name("producer")
        case .consumer: return name("consumer")
        case .trainStep: return name("trainStep")
        case .train(let n): return name("train", [("steps", .number(Double(n)))])
        case .trainStopped(let n): return name("train", [("steps", .number(Double(n))), ("stopped", .bool(true))])
        case .trainEpoch: return name("trainEpoch")
        case let .set(s, v): return name("set", [("setting", .string(s.rawValue)), ("value", .number(v))])
        case .reset: return name("reset")
        case .inspect(let n): return name("inspect", [("name", .string(n))])
        case .nextTab: return name("nextTab")
        case .previousTab: return name("previousTab")
        case let .scroll(r, c): return name("scroll", [("rows", .number(Double(r))), ("cols", .number(Double(c)))])
        case .picture(let d): return name("picture", [("delta", .number(Double(d)))])
        case .check: return name("check")
        case .toggleHelp: return name("toggleHelp")
        case .toggleProgram: return name("toggleProgram")
        case .dismiss: return name("dismiss")
        case .mark(let t): return name("mark", [("text", .string(t))])
        case .explain(let e): return name("explain", [("entry", .string(e))])
        case .quiz(let on): return name("quiz", [("on", .bool(on))])
        case .answer(let t): return name("answer", [("text", .string(t))])
        case .breakOn(let t): return name("break", [("predicate", .string(t))])
        case .watch(let t): return name("watch", [("predicate", .string(t))])
        case .deleteProbe(let n): return name("delete", [("number", .number(Double(n)))])
        case .listProbes: return name("breaks")
        case .edit(let t): return name("edit", [("edit", .string(t))])
        case .undo: return name("undo")
        case .quit: return name("quit")
        }
    }

    // MARK: Decoding

    /// Parses the header line.
    public static func decodeHeader(_ bytes: [UInt8]) throws(SessionError) -> Header {
        let j = try object(bytes, line: 1)
        guard j["format"]?.string == format else {
            throw .bad(line: 1, "not a backprop-tui session (expected \"format\": \"\(format)\")")
        }
        guard let v = j["version"]?.int else { throw .bad(line: 1, "missing \"version\"") }
        guard v == version else { throw .bad(line: 1, "format version \(v) is not supported; expected \(version)") }
        guard let c = j["config"], c.object != nil else { throw .bad(line: 1, "missing \"config\" object") }
        func str(_ k: String) throws(SessionError) -> String {
            guard let s = c[k]?.string else { throw .bad(line: 1, "config.\(k) must be a string") }
            return s
        }
        func num(_ k: String) throws(SessionError) -> Double {
            guard let d = c[k]?.number, d.isFinite else { throw .bad(line: 1, "config.\(k) must be a number") }
            return d
        }
        func whole(_ k: String, _ r: ClosedRange<Int>) throws(SessionError) -> Int {
            guard let d = c[k]?.int, r.contains(d) else {
                throw .bad(line: 1, "config.\(k) must be a whole number from \(r.lowerBound) to \(r.upperBound)")
            }
            return d
        }
        guard let seed = UInt64(try str("seed")) else { throw .bad(line: 1, "config.seed must be a decimal string") }
        // Sessions from before 0.6.0 name neither: theirs was float64, and the new default generator
        // cannot reproduce them anyway (--verify says which tool recorded them).
        let precision = try c["precision"].map { p throws(SessionError) in
            guard let v = p.string.flatMap(Precision.init(rawValue:)) else {
                throw .bad(line: 1, "config.precision must be float32 or float64")
            }
            return v
        } ?? .float64
        let rng = try c["rng"].map { p throws(SessionError) in
            guard let v = p.string.flatMap(RandomKind.init(rawValue:)) else {
                throw .bad(line: 1, "config.rng must be numpy or xoshiro")
            }
            return v
        } ?? .numpy
        guard c["shuffle"] == nil || c["shuffle"]?.bool != nil else {
            throw .bad(line: 1, "config.shuffle must be true or false")
        }
        let scheme = try c["init_scheme"].map { p throws(SessionError) in
            guard let v = p.string.flatMap(Initializer.init(rawValue:)) else {
                throw .bad(line: 1, "config.init_scheme must be he or glorot")
            }
            return v
        } ?? .he
        let config = ExplorerConfig(data: try str("data"), dataDigest: try str("data_sha256"),
                                    hidden: try whole("hidden", Limits.hidden),
                                    batchSize: try whole("batch", 1...1_000_000), lr: try num("lr"),
                                    lambda: try num("lambda"), seed: seed, precision: precision, rng: rng,
                                    shuffle: c["shuffle"]?.bool ?? true, initScheme: scheme)
        guard config.lr >= 0, config.lambda >= 0 else { throw .bad(line: 1, "config.lr and config.lambda must be ≥ 0") }
        var withGraph = config
        if let g = j["graph"] {
            guard let text = g.string else { throw .bad(line: 1, "\"graph\" must be graph text") }
            do throws(ExplorerError) { _ = try ExplorerConfig.graph(from: text) } catch {
                throw .bad(line: 1, "graph: \(error.message)")
            }
            withGraph.graph = text
        }
        let t = j["terminal"]
        guard let cols = t?["cols"]?.int, let rows = t?["rows"]?.int,
              (1...1000).contains(cols), (1...1000).contains(rows) else {
            throw .bad(line: 1, "terminal.cols and terminal.rows must be whole numbers from 1 to 1000")
        }
        var h = Header(config: withGraph, columns: cols, rows: rows, title: j["title"]?.string,
                       description: j["description"]?.string)
        h.tool = j["tool"]?.string ?? "unknown"
        return h
    }

    /// Parses one line after the header (`line` is its 1-based number, for messages).
    public static func decode(_ bytes: [UInt8], line: Int) throws(SessionError) -> Line {
        let j = try object(bytes, line: line)
        guard let t = j["t"]?.number, t.isFinite, t >= 0 else {
            throw .bad(line: line, "missing time \"t\" (seconds ≥ 0)")
        }
        if let m = j["marker"] {
            guard let s = m.string else { throw .bad(line: line, "\"marker\" must be a string") }
            return .marker(t: t, s)
        }
        if let d = j["digest"] {
            guard let s = d.string, s.count == 64, s.allSatisfy(\.isHexDigit) else {
                throw .bad(line: line, "\"digest\" must be 64 hex digits")
            }
            guard let p = j["position"]?.int, let u = j["updates"]?.int else {
                throw .bad(line: line, "digest needs \"position\" and \"updates\"")
            }
            guard j["quiz"] == nil || j["quiz"]?.string != nil else {
                throw .bad(line: line, "digest \"quiz\" must be a score such as \"3/4\"")
            }
            return .digest(t: t, Digest(sha256: s, J: j["J"]?.number, position: p, updates: u, quiz: j["quiz"]?.string))
        }
        guard let name = j["action"]?.string else {
            throw .bad(line: line, "expected \"action\", \"digest\" or \"marker\"")
        }
        return .action(t: t, try action(name, j, line: line))
    }

    static func action(_ name: String, _ j: JSON, line: Int) throws(SessionError) -> Action {
        func str(_ k: String) throws(SessionError) -> String {
            guard let s = j[k]?.string else { throw .bad(line: line, "\(name) needs a string \"\(k)\"") }
            return s
        }
        func int(_ k: String, _ r: ClosedRange<Int>) throws(SessionError) -> Int {
            guard let v = j[k]?.int, r.contains(v) else {
                throw .bad(line: line, "\(name) needs a whole number \"\(k)\" from \(r.lowerBound) to \(r.upperBound)")
            }
            return v
        }
        switch name {
        case "stepForward": return .stepForward
        case "stepBackward": return .stepBackward
        case "first": return .first
        case "last": return .last
        case "forwardPhase": return .forwardPhase
        case "backwardPhase": return .backwardPhase
        case "goto": return .goto(try str("node"))
        case "producer": return .producer
        case "consumer": return .consumer
        case "trainStep": return .trainStep
        case "train":
            if j["stopped"]?.bool == true { return .trainStopped(steps: try int("steps", 0...Int(Int32.max))) }
            return .train(steps: try int("steps", 1...1_000_000))
        case "trainEpoch": return .trainEpoch
        case "set":
            let s = try str("setting")
            guard let setting = Setting(rawValue: s) else {
                throw .bad(line: line, "unknown setting '\(inert(s))'; expected lr, lambda, batch, hidden or seed")
            }
            guard let v = j["value"]?.number else { throw .bad(line: line, "set needs a number \"value\"") }
            return .set(setting, v)
        case "reset": return .reset
        case "inspect": return .inspect(try str("name"))
        case "nextTab": return .nextTab
        case "previousTab": return .previousTab
        case "scroll": return .scroll(rows: try int("rows", -1_000_000...1_000_000),
                                      cols: try int("cols", -1_000_000...1_000_000))
        case "picture": return .picture(try int("delta", -4096...4096))
        case "check": return .check
        case "toggleHelp": return .toggleHelp
        case "toggleProgram": return .toggleProgram
        case "dismiss": return .dismiss
        case "mark": return .mark(try str("text"))
        case "explain": return .explain(try str("entry"))
        case "quiz":
            guard let on = j["on"]?.bool else { throw .bad(line: line, "quiz needs \"on\": true or false") }
            return .quiz(on)
        case "answer": return .answer(try str("text"))
        case "break": return .breakOn(try str("predicate"))
        case "watch": return .watch(try str("predicate"))
        case "delete": return .deleteProbe(try int("number", 1...1_000_000))
        case "breaks": return .listProbes
        case "edit": return .edit(try str("edit"))
        case "undo": return .undo
        case "quit": return .quit
        default: throw .bad(line: line, "unknown action '\(inert(name))'")
        }
    }

    static func object(_ bytes: [UInt8], line: Int) throws(SessionError) -> JSON {
        guard bytes.count <= maxLineBytes else {
            throw .bad(line: line, "line is \(bytes.count) bytes; the limit is 1 MiB")
        }
        let j: JSON
        do { j = try JSONParser.parse(bytes) } catch {
            throw .bad(line: line, "not JSON (\(error.message) at byte \(error.offset))")
        }
        guard j.object != nil else { throw .bad(line: line, "expected a JSON object") }
        return j
    }
}
