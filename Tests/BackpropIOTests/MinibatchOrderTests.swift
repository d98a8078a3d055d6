import Testing
@testable import BackpropIO

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
