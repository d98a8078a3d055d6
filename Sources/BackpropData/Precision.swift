/// The arithmetic of a run, and of the data it reads: values keep the precision they are computed in.
public enum Precision: String, CaseIterable, Sendable {
    case float32, float64
}
