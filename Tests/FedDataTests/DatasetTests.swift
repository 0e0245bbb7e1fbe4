import FedData
import Testing

@Suite struct DatasetTests {
    @Test func rejectsPixelCountThatDoesNotMatchLabels() {
        #expect(throws: DatasetError.self) { try Dataset(featureCount: 4, classCount: 2, pixels: [1, 2, 3], labels: [0]) }
    }

    @Test func rejectsLabelOutsideTheClasses() {
        #expect(throws: DatasetError.self) { try Dataset(featureCount: 1, classCount: 2, pixels: [1, 2], labels: [0, 2]) }
    }

    @Test func subsetKeepsRowsAndLabelsTogether() throws {
        let dataset = try Dataset(featureCount: 2, classCount: 3, pixels: [0, 1, 10, 11, 20, 21], labels: [0, 1, 2])
        let subset = dataset.subset([2, 0])
        #expect(subset.pixels == [20, 21, 0, 1])
        #expect(subset.labels == [2, 0])
    }

    @Test func syntheticTaskIsDeterministicAndBalanced() {
        let task = SyntheticTask(featureCount: 16, classCount: 4, seed: 7)
        let a = task.makeDataset(count: 400, seed: 1)
        let b = SyntheticTask(featureCount: 16, classCount: 4, seed: 7).makeDataset(count: 400, seed: 1)
        #expect(a.pixels == b.pixels && a.labels == b.labels)
        #expect(a.classHistogram() == [100, 100, 100, 100])
        #expect(task.makeDataset(count: 400, seed: 2).pixels != a.pixels)
    }

    @Test func syntheticSourceTakesAnImageShape() throws {
        let source = try DatasetSource(parsing: "synthetic:shape=8x6x2,classes=3,train=30")
        #expect(source.sampleShape == SampleShape(height: 8, width: 6, channels: 2) && source.classCount == 3)
        #expect(source.description == "synthetic:shape=8x6x2,classes=3,train=30,test=500,noise=90.0,seed=1")
        #expect(DatasetSource(source.description) == source)
        let train = try source.load(.train)
        #expect(train.sampleShape == source.sampleShape && train.pixels.count == 30 * 96)
        #expect(DatasetSource("synthetic:features=64")?.sampleShape == .flat(64))
        #expect(DatasetSource("synthetic:shape=8x0x1") == nil && DatasetSource("synthetic:shape=8x8") == nil)
    }
}
