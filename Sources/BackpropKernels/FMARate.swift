import Dispatch

/// The calling thread's rate of register-only vector fused multiply-adds, in G float lanes per
/// second: what the host gives the kernels at the moment (`backprop-bench cores` runs it on both
/// threads at once). Here, built for the machine's own CPU as the kernels are.
public enum FMARate {
    public static func measure(iterations: Int = 400_000) -> Double {
        // 8 independent chains: enough to cover the FMA latency on both pipes.
        let a = SIMD16<Float>(repeating: 0.5), b = SIMD16<Float>(repeating: 1e-7)
        var c0 = SIMD16<Float>(repeating: 0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations {
            c0 = c0.addingProduct(a, b); c1 = c1.addingProduct(a, b); c2 = c2.addingProduct(a,
                b); c3 = c3.addingProduct(a, b)
            c4 = c4.addingProduct(a, b); c5 = c5.addingProduct(a, b); c6 = c6.addingProduct(a,
                b); c7 = c7.addingProduct(a, b)
        }
        let ns = DispatchTime.now().uptimeNanoseconds - start
        // Use the result, so that the loop is not dropped.
        if (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7).sum() < 0 { print("") }
        return Double(iterations * 8 * 16) / Double(max(ns, 1))
    }
}
