/// Classification accuracy of unnormalised log-probabilities against labels.
public enum Accuracy {
    /// The fraction of rows whose largest logit (first on ties) is at the label.
    public static func of<T: Real>(logits: Matrix<T>, labels: [Int]) -> Double {
        guard logits.rows > 0 else { return 0 }
        var hits = 0
        for i in 0..<logits.rows { if argmax(logits, row: i) == labels[i] { hits += 1 } }
        return Double(hits) / Double(logits.rows)
    }
    public static func argmax<T: Real>(_ m: Matrix<T>, row i: Int) -> Int {
        var best = 0
        for j in 1..<m.cols where m[i, j] > m[i, best] { best = j }
        return best
    }
}
