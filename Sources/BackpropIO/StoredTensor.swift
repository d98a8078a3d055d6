import BackpropData

/// A tensor as stored in a safetensors file: dtype, shape and little-endian bytes.
public struct StoredTensor: Equatable, Sendable {
    public var dtype: String
    public var shape: [Int]
    public var bytes: [UInt8]
    public init(dtype: String, shape: [Int], bytes: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    public static let elementSizes: [String: Int] = ["F64": 8, "F32": 4, "I64": 8, "I32": 4, "U8": 1, "F16": 2,
                                                     "BF16": 2, "I8": 1, "I16": 2, "U16": 2, "BOOL": 1]
    /// The dtypes whose values this tool reads.
    public static let readable: Set<String> = ["F32", "F64", "I64"]

    public init(_ values: [Float], shape: [Int]) {
        self.init(dtype: "F32", shape: shape, bytes: values.withUnsafeBytes { Array($0) })
    }
    public init(_ values: [Double], shape: [Int]) {
        self.init(dtype: "F64", shape: shape, bytes: values.withUnsafeBytes { Array($0) })
    }
    public init(_ values: [Int64], shape: [Int]) {
        self.init(dtype: "I64", shape: shape, bytes: values.withUnsafeBytes { Array($0) })
    }

    public var count: Int { shape.reduce(1, *) }

    /// The values as Doubles (F32, F64 and I64 only; the machine is little-endian like the format).
    public func doubles() -> [Double]? {
        switch dtype {
        case "F32": return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)).map(Double.init) }
        case "F64": return bytes.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        case "I64": return bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)).map(Double.init) }
        default: return nil
        }
    }
}
