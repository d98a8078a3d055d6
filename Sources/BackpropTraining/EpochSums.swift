/// Running sums of the current epoch's minibatch losses (checkpointed bit for bit).
public struct EpochSums: Equatable, Sendable {
    public var J: Double = 0
    public var JMLE: Double = 0
    public var batches: Int = 0
    public init(J: Double = 0, JMLE: Double = 0, batches: Int = 0) {
        self.J = J; self.JMLE = JMLE; self.batches = batches
    }
}
