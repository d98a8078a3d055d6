import BackpropKernels
import Foundation
func bench(_ m: Int, _ n: Int, _ k: Int, tA: Bool, tB: Bool, threads: Int) {
    let pool = threads > 1 ? WorkerPool(threads: threads) : nil
    let g = ParallelGEMM<Float>(pool: pool)
    let a = [Float]((0..<(m*k)).map { _ in Float.random(in: -1...1) })
    let b = [Float]((0..<(k*n)).map { _ in Float.random(in: -1...1) })
    var c = [Float](repeating: 0, count: m*n)
    let reps = max(3, 2_000_000_000 / (2*m*n*k))
    var best = 1e9
    for _ in 0..<5 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<reps { c.withUnsafeMutableBufferPointer { cp in g.gemm(m: m, n: n, k: k, a: a, aCols: tA ? m : k, transA: tA, b: b, bCols: tB ? k : n, transB: tB, c: cp.baseAddress!) } }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 / Double(reps))
    }
    // check one element
    var ref: Float = 0; for p in 0..<k { let av = tA ? a[p*m+0] : a[0*k+p]; let bv = tB ? b[(n-1)*k+p] : b[p*n+n-1]; ref += av*bv }
    print(m,n,k,tA,tB,"threads",threads, String(format: "%.1f GFLOP/s  %.1f us  err %.2e", 2.0*Double(m*n*k)/best/1e9, best*1e6, abs(ref - c[n-1])))
}
for t in [1,2] {
bench(128,256,784,tA:false,tB:false,threads:t)
bench(784,256,128,tA:true,tB:false,threads:t)
bench(128,10,256,tA:false,tB:false,threads:t)
bench(256,10,128,tA:true,tB:false,threads:t)
bench(128,256,10,tA:false,tB:true,threads:t)
}
