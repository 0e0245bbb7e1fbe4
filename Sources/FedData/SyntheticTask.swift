/// A seeded, learnable classification task for tests: each class has a random prototype image and
/// samples are the prototype plus Gaussian noise, clamped to bytes.
///
/// Train and test sets drawn from the same task share prototypes, so a model trained on one
/// generalises to the other; the noise level sets how hard that is.
public struct SyntheticTask: Sendable {
    /// The shape of each sample.
    public let sampleShape: SampleShape
    /// Number of classes.
    public let classCount: Int
    /// Standard deviation of the per-pixel noise, in byte units.
    public let noise: Double
    private let prototypes: [[Double]]

    /// Creates a task of flat samples (`1 x 1 x featureCount`) whose prototypes are determined by `seed`.
    public init(featureCount: Int = 64, classCount: Int = 10, noise: Double = 90, seed: UInt64) {
        self.init(sampleShape: .flat(featureCount), classCount: classCount, noise: noise, seed: seed)
    }

    /// Creates a task of samples shaped `sampleShape` whose prototypes are determined by `seed`; the
    /// prototypes depend on the number of features, not on how they are arranged.
    public init(sampleShape: SampleShape, classCount: Int = 10, noise: Double = 90, seed: UInt64) {
        precondition(classCount > 1 && classCount <= 256)
        self.sampleShape = sampleShape
        let featureCount = sampleShape.featureCount
        self.classCount = classCount
        self.noise = noise
        var generator = SeededGenerator(seed: seed, stream: 0x5EED)
        prototypes = (0..<classCount).map { _ in (0..<featureCount).map { _ in generator.nextUnit() * 255 } }
    }

    /// Number of features per sample.
    public var featureCount: Int { sampleShape.featureCount }

    /// Draws `count` samples with labels cycling evenly over the classes, in a seeded random order.
    public func makeDataset(count: Int, seed: UInt64) -> Dataset {
        var generator = SeededGenerator(seed: seed, stream: 0xDA7A)
        var labels = (0..<count).map { UInt8($0 % classCount) }
        labels.shuffle(using: &generator)
        var pixels = [UInt8]()
        pixels.reserveCapacity(count * featureCount)
        for label in labels {
            for value in prototypes[Int(label)] {
                let noisy = value + noise * generator.nextNormal()
                pixels.append(UInt8(min(255, max(0, noisy.rounded()))))
            }
        }
        // Shapes and labels are correct by construction.
        return try! Dataset(sampleShape: sampleShape, classCount: classCount, pixels: pixels, labels: labels)
    }
}
