import BackpropCore
import BackpropData

extension FusedTrainer {
    /// One training step on examples `rows` of `data`, with the rows of the next step (`next`)
    /// prefetched during it: images are read by the products as bytes, where the data set keeps
    /// them; other features are gathered into a float X first (`floats` forces that path, so that
    /// the benchmark can compare the two).
    public func step(on data: Dataset, rows: ArraySlice<Int>, next: ArraySlice<Int>,
                     floats: Bool = false) -> StepResult {
        let prefetch = { (range: Range<Int>) in data.prefetch(next.dropFirst(range.lowerBound).prefix(range.count)) }
        return data.withFeatureBytes { images in
            if let images, !floats {
                step(m: rows.count, images: images, examples: rows, scale: Dataset.byteScale(),
                     labels: { y in data.gatherLabels(rows, y: y) }, prefetch: prefetch)
            } else {
                step(m: rows.count, fillRows: { range, x, y in data.gather(rows, rows: range, x: x, y: y) },
                     prefetch: prefetch)
            }
        }
    }
}
