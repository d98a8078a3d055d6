import BackpropCore
import BackpropData

/// The safetensors format: 8-byte little-endian header length, a JSON header, then the data.
///
/// Reading checks everything before trusting it: header size against the file and the 1 MiB cap,
/// duplicate names, dtypes, shapes against byte counts, and that offsets tile the data exactly.
public struct SafeTensors: Sendable {
    public var tensors: [(name: String, tensor: StoredTensor)]
    public var metadata: [(String, String)]

    public static let maxHeader = 1 << 20

    public init(tensors: [(name: String, tensor: StoredTensor)], metadata: [(String, String)] = []) {
        self.tensors = tensors; self.metadata = metadata
    }

    public subscript(name: String) -> StoredTensor? { tensors.first { $0.name == name }?.tensor }
    public func meta(_ key: String) -> String? { metadata.first { $0.0 == key }?.1 }

    /// The file's bytes: tensors in the given order, header padded with spaces to 8-byte alignment.
    public func encoded() -> [UInt8] {
        var entries: [(String, JSON)] = []
        if !metadata.isEmpty { entries.append(("__metadata__", .object(metadata.map { ($0.0, .string($0.1)) }))) }
        var offset = 0
        for (name, t) in tensors {
            entries.append((name,
                            .object([("dtype", .string(t.dtype)),
                            ("shape", .array(t.shape.map { .number(Double($0)) })),
                                           ("data_offsets",
                                            .array([.number(Double(offset)),
                                            .number(Double(offset + t.bytes.count))]))])))
            offset += t.bytes.count
        }
        var header = Array(JSON.object(entries).text.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + offset)
        let n = UInt64(header.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        out += header
        for (_, t) in tensors { out += t.bytes }
        return out
    }

    public init(parsing b: [UInt8], file: String) throws(IOError) {
        guard b.count >= 8 else {
            throw IOError(file, "file is \(b.count) bytes; expected an 8-byte header length first")
        }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(b[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(Self.maxHeader) else {
            throw IOError(file, "header length \(n) exceeds 1 MiB; expected at most \(Self.maxHeader)")
        }
        guard n <= UInt64(b.count - 8) else {
            throw IOError(file, "header length \(n) runs past the end of the \(b.count)-byte file")
        }
        let headerEnd = 8 + Int(n)
        let json: JSON
        do { json = try JSONParser.parse(Array(b[8..<headerEnd])) } catch {
            throw IOError(file, "header is not valid JSON at byte \(8 + error.offset): \(error.message)")
        }
        guard case .object(let entries) = json else {
            throw IOError(file, "header JSON is not an object; expected {\"name\": {dtype, shape, data_offsets}, …}")
        }
        let dataSize = b.count - headerEnd
        var tensors: [(String, StoredTensor, Int, Int)] = []
        var metadata: [(String, String)] = []
        for (name, v) in entries {
            if name == "__metadata__" {
                guard case .object(let kv) = v else { throw IOError(file, "__metadata__ is not an object of strings") }
                for (k, s) in kv {
                    guard let s = s.string else {
                        throw IOError(file, "__metadata__ value for \"\(inert(k))\" is not a string")
                    }
                    metadata.append((k, s))
                }
                continue
            }
            let what = "tensor \"\(inert(name))\""
            guard let dtype = v["dtype"]?.string else { throw IOError(file, "\(what) has no dtype string") }
            guard let size = StoredTensor.elementSizes[dtype], StoredTensor.readable.contains(dtype) else {
                throw IOError(file, "\(what) has unsupported dtype \(inert(dtype)); expected F32, F64 or I64")
            }
            guard let shapeJ = v["shape"]?.array, shapeJ.count <= 8 else {
                throw IOError(file, "\(what) has no shape list (at most 8 dims)")
            }
            var shape: [Int] = []
            var count = 1
            for d in shapeJ {
                guard let x = d.int, x >= 0, x <= Int(Int32.max) else {
                    throw IOError(file, "\(what) has a bad dimension in its shape")
                }
                shape.append(x)
                count = count.multipliedReportingOverflow(by: x).partialValue
                guard count <= dataSize else {
                    throw IOError(file, "\(what) shape \(shape) needs more bytes than the file holds")
                }
            }
            guard let offs = v["data_offsets"]?.array, offs.count == 2, let lo = offs[0].int, let hi = offs[1].int,
                  lo >= 0, hi >= lo else {
                throw IOError(file, "\(what) has bad data_offsets; expected [begin, end] with begin ≤ end")
            }
            guard hi <= dataSize else {
                throw IOError(file,
                              "\(what) data_offsets [\(lo), \(hi)] run past the end of the data (\(dataSize) bytes)")
            }
            guard hi - lo == count * size else {
                throw IOError(file,
                              "\(what) shape \(shape) of \(dtype) needs \(count * size) bytes; data_offsets give "
                              + "\(hi - lo)")
            }
            tensors.append((name,
                            StoredTensor(dtype: dtype, shape: shape,
                            bytes: Array(b[(headerEnd + lo)..<(headerEnd + hi)])), lo, hi))
        }
        // Offsets must tile the data exactly: no overlaps, no gaps, nothing left over.
        var expected = 0
        for t in tensors.sorted(by: { ($0.2, $0.3) < ($1.2, $1.3) }) {
            if t.2 < expected { throw IOError(file, "tensor \"\(inert(t.0))\" overlaps the previous tensor's bytes") }
            if t.2 > expected {
                throw IOError(file, "gap in data before tensor \"\(inert(t.0))\" (bytes \(expected)..<\(t.2))")
            }
            expected = t.3
        }
        if expected != dataSize {
            throw IOError(file, "\(dataSize - expected) bytes after the last tensor; expected none")
        }
        self.tensors = tensors.map { ($0.0, $0.1) }
        self.metadata = metadata
    }

    public static func load(_ path: String) throws(IOError) -> SafeTensors {
        try SafeTensors(parsing: try FileBytes.read(path), file: path)
    }
}
