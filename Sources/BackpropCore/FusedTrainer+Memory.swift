extension FusedTrainer {
    /// Bytes the trainer's buffers take for these sizes (what `init` allocates: W1 and its gradient
    /// tiles, two X buffers, U1, H, G', G, the sums), estimated before anything is allocated. Double
    /// arithmetic: sizes from a file cannot overflow it.
    public static func bytesNeeded(d: Int, nh: Int, k: Int, maxBatch: Int, threads: Int) -> Double {
        let (d, nh, k, m) = (Double(d), Double(nh) + Double(threads) * 16, Double(k), Double(maxBatch))
        let values = 3 * d * nh + 3 * nh * k + 2 * m * d + 3 * m * (nh + 16) + m * k + 2 * m
        return values * Double(MemoryLayout<T>.stride) + m * 8
    }
}
