import Foundation

/// One line of a `--log` file (JSON Lines): an update's or an epoch's figures.
public struct LogRecord: Encodable, Sendable {
    public var epoch: Int, step: Int, J: Double, JMLE: Double
    /// Accuracies, measured at the end of an epoch (null on the lines of single updates).
    public var trainAccuracy: Double?, testAccuracy: Double?
    public var samplesPerSecond: Double, seconds: Double

    public init(epoch: Int, step: Int, J: Double, JMLE: Double, trainAccuracy: Double?, testAccuracy: Double?,
                samplesPerSecond: Double, seconds: Double) {
        self.epoch = epoch; self.step = step; self.J = J; self.JMLE = JMLE
        self.trainAccuracy = trainAccuracy; self.testAccuracy = testAccuracy
        self.samplesPerSecond = samplesPerSecond.rounded(); self.seconds = (seconds * 1000).rounded() / 1000
    }

    enum CodingKeys: String, CodingKey {
        case epoch, step, J, JMLE = "J_MLE", trainAccuracy = "train_acc", testAccuracy = "test_acc"
        case samplesPerSecond = "samples_per_s", seconds
    }

    /// Missing accuracies are written as null (the synthesised encoder would leave the keys out).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(epoch, forKey: .epoch); try c.encode(step, forKey: .step)
        try c.encode(J, forKey: .J); try c.encode(JMLE, forKey: .JMLE)
        try c.encode(trainAccuracy, forKey: .trainAccuracy); try c.encode(testAccuracy, forKey: .testAccuracy)
        try c.encode(samplesPerSecond, forKey: .samplesPerSecond); try c.encode(seconds, forKey: .seconds)
    }

    /// The record as one line of JSON (keys sorted; a non-finite number as the string "NaN" or "±Infinity").
    public var line: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity",
                                                                negativeInfinity: "-Infinity", nan: "NaN")
        return (try? e.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
