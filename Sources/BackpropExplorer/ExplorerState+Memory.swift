extension ExplorerState {
    /// Bytes an exploration of these sizes takes, estimated before anything is allocated: the weights
    /// in float64, the states kept for stepping back (values and gradients of a step), and the
    /// accuracy measurement (up to 15,000 examples). Double arithmetic: it cannot overflow.
    public static func bytesNeeded(d: Int, hidden: Int, classes: Int, batch: Int) -> Double {
        let (d, h, k, m) = (Double(d), Double(hidden), Double(classes), Double(batch))
        let values = 8 * d * h + 8 * h * k + 20 * m * h + 3 * m * d + 15_000 * (d + h + k)
        return values * 8
    }
}
