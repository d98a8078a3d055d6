import Testing
import Foundation
@testable import BackpropCore
import BackpropIO
import BackpropData

/// `NumpyGenerator` against numpy's own outputs: known answers printed once by numpy 2.4
/// (`default_rng`, `random_raw`, `standard_normal`, `permutation`, `uniform`), and, when
/// `BACKPROP_PYTHON` names a Python with numpy, a live comparison on fresh seeds.
struct NumpyGeneratorTests {
    func sha256(_ bytes: [UInt8]) -> String { SHA256.hex(bytes) }
    func bytes<T>(_ a: [T]) -> [UInt8] { a.withUnsafeBytes { Array($0) } }

    @Test(arguments: [
        (UInt64(0), UInt64(0), [0xa30f_ebcf_d9c2_825f, 0x4510_bdf8_82d9_d721, 0x0a7d_3da9_4ecd_e8b8] as [UInt64]),
        (UInt64(1234), UInt64(0), [0xfa08_fef3_fab6_bbba, 0x6154_81f7_fce9_ac81, 0xec59_dd7c_2bde_3cb4] as [UInt64]),
        (UInt64.max, UInt64(0), [0xae16_3a7a_8c47_568f, 0xd866_59f5_f338_2359, 0x01e5_2b19_5bc2_d24a] as [UInt64]),
        (UInt64.max, UInt64(1), [0x7301_50b2_e3c8_c450, 0x641b_4e08_066a_d287] as [UInt64]),   // default_rng(2**64)
    ])
    func rawDrawsMatchNumpy(seed: UInt64, offset: UInt64, expected: [UInt64]) {
        var g = NumpyGenerator(seed: seed, offset: offset)
        #expect(expected.map { _ in g.next64() } == expected)
    }

    @Test func normalsMatchNumpy() {
        var g = NumpyGenerator(seed: 1234)
        let first: [UInt64] = [0xbff9_a950_c834_c58e, 0x3fb0_68da_1a52_948e, 0x3fe7_b561_a9b5_cfa5,
                               0x3fc3_8906_968d_9da6, 0x3feb_a3ca_3aab_4fc7, 0x4007_4e06_f715_42bb]
        #expect(first.map { _ in g.standardNormal().bitPattern } == first)
        // A million draws cover every layer, the wedges and the tail (np.random.default_rng(1234).standard_normal(10**6)).
        var h = NumpyGenerator(seed: 1234)
        let million = (0..<1_000_000).map { _ in h.standardNormal() }
        #expect(sha256(bytes(million)) == "7b4e08e55cde0123f0ae0667dc9b4880f443df3c5b3a1ec79dbf77bd823c8a12")
    }

    @Test func zigguratTablesAreNumpys() {
        // Three entries of each of numpy's tables (ki_double, wi_double, fi_double), top, middle and base.
        let z = Ziggurat.normal
        #expect(z.k[0] == 0x000E_F33D_8025_EF6A && z.k[1] == 0 && z.k[2] == 3_387_314_423_973_544)
        #expect(z.w[0] == 8.683627060801306e-16 && z.w[1] == 4.779330175727737e-17 && z.w[255] == 8.113849337656484e-16)
        #expect(z.f[0] == 1 && z.f[1] == 0.9771017012676716 && z.f[255] == 0.001260285930498598)
        #expect(z.f[38] == 0.6773880362187735, "the one entry where numpy's table is not the correctly rounded exp")
    }

    @Test func heInitialisationIsThePeersInitialisation() {
        // (default_rng(1234).standard_normal((784, 256)) * np.sqrt(2 / 784)).astype(np.float32), then W2 likewise.
        var g = NumpyGenerator(seed: 1234)
        let W1: Matrix<Float> = Initializer.he.weights(fanIn: 784, fanOut: 256, rng: &g)
        let W2: Matrix<Float> = Initializer.he.weights(fanIn: 256, fanOut: 10, rng: &g)
        #expect(sha256(bytes(W1.storage)) == "4881e6c22d66007ed9b64ed86618606b28c71fded9e825acb3085a2d5fc89a1d")
        #expect(sha256(bytes(W2.storage)) == "5c698d617110b3f78b7585eb1c465b7bcd601f26e2ecb1bf42a4336ddc56bda0")
    }

    @Test func permutationsAndUniformsMatchNumpy() {
        var g = NumpyGenerator(seed: 1235)
        let p0 = g.permutation(60000), p1 = g.permutation(60000)
        #expect(sha256(bytes(p0.map(Int64.init))) == "e8e91b95f3c7e219cb24683482116506ae0f4b8c0c43cfab3f6e979977bdee10")
        #expect(sha256(bytes(p1.map(Int64.init))) == "e3ecf3ec23e13857d3fb300c1675ed1b990557299eaec627bce5a256fc583c23")
        var s = NumpyGenerator(seed: 7)
        #expect(s.permutation(10) == [8, 0, 7, 1, 3, 6, 2, 4, 5, 9])
        var u = NumpyGenerator(seed: 5)
        #expect(sha256(bytes((0..<1000).map { _ in u.symmetricUniform(0.25) })) == "bc99cf78b5aed48316773332b67d48cf601f92a2d2b0f1dea48113fdd427fbe1")
    }

    @Test func stateWordsAreNumpysStateAndRestore() throws {
        // After permutation(4) (three 32-bit draws) numpy holds a spare half: has_uint32 = 1.
        var g = NumpyGenerator(seed: 9)
        #expect(g.permutation(4) == [3, 0, 2, 1])
        #expect(g.words == [0xe9a3_a5b9_e700_ec89, 0x6886_16d0_f4d8_f099, 0x23d9_2c87_36db_4358, 0x0eeb_f980_8748_d9db, 1 << 32 | 0x496c_da44])
        var r = try #require(NumpyGenerator(words: g.words))
        #expect(r == g)
        #expect(r.permutation(6) == [5, 2, 1, 0, 3, 4])
        #expect(NumpyGenerator(words: [1, 2, 3, 4]) == nil && NumpyGenerator(words: [1, 2, 3, 4, 0]) == nil, "even increment, too few words")
    }

    /// Fresh seeds against the numpy at hand: normals, permutations and uniforms, digest for digest.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BACKPROP_PYTHON"] != nil))
    func liveNumpyAgrees() throws {
        let seeds: [UInt64] = [3, 42, 99_999, 1 << 33 | 5, 0xDEAD_BEEF_CAFE]
        let script = """
            import sys, hashlib, numpy as np
            for s in map(int, sys.argv[1:]):
                g = np.random.default_rng(s)
                a = g.standard_normal(200000); b = g.permutation(12345).astype(np.int64); c = g.uniform(-0.5, 0.5, 777)
                print(*(hashlib.sha256(x.tobytes()).hexdigest() for x in (a, b, c)))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["BACKPROP_PYTHON"]!)
        p.arguments = ["-c", script] + seeds.map(String.init)
        let out = Pipe(); p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == seeds.count)
        for (seed, line) in zip(seeds, lines) {
            var g = NumpyGenerator(seed: seed)
            let a = (0..<200_000).map { _ in g.standardNormal() }, b = g.permutation(12345).map(Int64.init)
            let c = (0..<777).map { _ in g.uniform(-0.5, 0.5) }
            #expect([bytes(a), bytes(b), bytes(c)].map(sha256).joined(separator: " ") == line, "seed \(seed)")
        }
    }
}
