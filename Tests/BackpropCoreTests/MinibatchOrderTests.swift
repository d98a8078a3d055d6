import Testing
@testable import BackpropTraining
import BackpropCore
import BackpropData

struct MinibatchOrderTests {
    /// 12 examples of 4 bytes: labels and zero counts chosen so that each rule of the order decides somewhere.
    let data: Dataset = {
        let rows: [[UInt8]] = [[1, 1, 1, 1], [0, 0, 0, 0], [0, 5, 0, 5], [9, 9, 0, 9], [0, 0, 0, 7], [3, 3, 3, 3],
                               [0, 0, 0, 0], [1, 0, 0, 0], [2, 2, 2, 2], [0, 4, 4, 4], [5, 0, 5, 0], [6, 6, 6, 6]]
        let labels: [UInt8] = [2, 0, 1, 1, 0, 2, 1, 0, 1, 0, 2, 0]
        return Dataset(name: "t", features: .bytes(rows.flatMap { $0 }), labels: labels, count: 12, d: 4, classes: 3, imageSide: nil, digest: "")
    }()

    /// Data that are not images: by label, then zero count, then the order in the batch.
    @Test func arrangesByLabelThenZeroCountThenBatchOrder() {
        var order = MinibatchOrder(data, maxBatch: 12)
        // Label 0: 11 (0 zeros), 9 (1), 4 (3), 7 (3), 1 (4): 4 before 7 as in the batch. Label 1: 8 (0), 3 (1),
        // 2 (2), 6 (4). Label 2: 0 (0), 5 (0), 10 (2).
        #expect(Array(order.arrange(Array(0..<12)[...])) == [11, 9, 4, 7, 1, 8, 3, 2, 6, 0, 5, 10])
        // Ties follow the batch's order, not the example numbers: 7 before 4 when the batch says so.
        #expect(Array(order.arrange([7, 4, 1][...])) == [7, 4, 1])
        #expect(Array(order.arrange([1, 4, 7][...])) == [4, 7, 1])
    }

    @Test func imagesAreArrangedByWidthThenTopRowThenZeroCount() {
        // 3×3 images: (width of the nonzero columns, first nonzero row, zeros) in the comments.
        let images: [[UInt8]] = [[0, 0, 0, 0, 1, 0, 0, 0, 0],   // 0: (1, 1, 8)
                                 [1, 0, 1, 0, 0, 0, 0, 0, 0],   // 1: (3, 0, 7)
                                 [0, 0, 0, 0, 0, 0, 1, 1, 0],   // 2: (2, 2, 7)
                                 [0, 1, 0, 0, 1, 0, 0, 0, 0],   // 3: (1, 0, 7)
                                 [0, 0, 0, 0, 0, 0, 0, 0, 0]]   // 4: blank, width 0
        let data = Dataset(name: "img", features: .bytes(images.flatMap { $0 }), labels: [1, 0, 1, 0, 1], count: 5, d: 9,
                           classes: 2, imageSide: 3, digest: "")
        var order = MinibatchOrder(data, maxBatch: 5)
        #expect(Array(order.arrange(Array(0..<5)[...])) == [4, 3, 0, 2, 1])
    }

    /// Bytes take a word-at-a-time path; floats the plain scan. Both give every image the same key,
    /// on images of several sides (word tails, rows that straddle words) with random extents,
    /// including blank ones, full ones and one nonzero pixel in a corner.
    @Test func byteImageKeysEqualThePlainScan() {
        var rng = SeededGenerator(seed: 5)
        for side in [1, 3, 8, 9, 28, 30] {
            let n = 60, d = side * side
            var bytes = [UInt8](repeating: 0, count: n * d)
            for i in 0..<n {
                let (r0, c0) = (rng.nextIndex(below: side), rng.nextIndex(below: side))
                let (r1, c1) = (r0 + rng.nextIndex(below: side - r0), c0 + rng.nextIndex(below: side - c0))
                for r in r0...r1 { for c in c0...c1 where i % 7 != 0 && rng.nextIndex(below: 3) > 0 {
                    bytes[i * d + r * side + c] = UInt8(1 + rng.nextIndex(below: 255))
                } }
                if i % 11 == 1 { for j in 0..<d { bytes[i * d + j] = 200 } }
                if i % 13 == 2 { for j in 0..<d { bytes[i * d + j] = 0 }; bytes[i * d + d - 1] = 1 }
            }
            func keys(_ f: Dataset.Features) -> [UInt64] {
                MinibatchOrder(Dataset(name: "img", features: f, labels: [UInt8](repeating: 0, count: n), count: n, d: d,
                                       classes: 2, imageSide: side, digest: ""), maxBatch: 1).keys
            }
            let fromBytes = keys(.bytes(bytes)), plain = keys(.floats(bytes.map { Float($0) / 255 }))
            #expect(fromBytes == plain, "side \(side)")
            if side >= 8 { #expect(Set(fromBytes).count > n / 3, "side \(side): the keys differ from image to image") }
        }
    }

    @Test func aBatchIsOnlyReorderedAndASliceWorksAsWell() {
        var order = MinibatchOrder(data, maxBatch: 5)
        let perm = [3, 10, 0, 6, 2, 9, 11, 5, 1, 8, 7, 4]
        for start in stride(from: 0, to: 12, by: 5) {
            let batch = perm[start..<min(12, start + 5)]
            let arranged = Array(order.arrange(batch))
            #expect(arranged.sorted() == batch.sorted())
            #expect(arranged == Array(order.arrange(batch)), "the same batch is arranged the same way again")
        }
    }
}
