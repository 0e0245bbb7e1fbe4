/// A labelled image classification dataset held as bytes.
///
/// Features stay `UInt8` (0...255) in memory, a quarter of the size of `Float`, and are scaled
/// to [0, 1] as each batch is gathered for training or evaluation.
public struct Dataset: Sendable {
    /// The shape of each sample (28x28x1 for Fashion-MNIST; `1 x 1 x n` for flat feature vectors).
    public let sampleShape: SampleShape
    /// Number of classes; every label is below it.
    public let classCount: Int
    /// Sample features: sample `i` occupies `pixels[i * featureCount ..< (i + 1) * featureCount]`, in
    /// ``SampleShape``'s height-width-channels order.
    public let pixels: [UInt8]
    /// One label per sample.
    public let labels: [UInt8]

    /// Creates a dataset of flat feature vectors (`1 x 1 x featureCount`); see ``init(sampleShape:classCount:pixels:labels:)``.
    public init(featureCount: Int, classCount: Int, pixels: [UInt8], labels: [UInt8]) throws {
        guard featureCount > 0 else { throw DatasetError.invalidShape("\(featureCount) features and \(classCount) classes") }
        try self.init(sampleShape: .flat(featureCount), classCount: classCount, pixels: pixels, labels: labels)
    }

    /// Creates a dataset, checking that pixels and labels agree in size and labels are in range.
    public init(sampleShape: SampleShape, classCount: Int, pixels: [UInt8], labels: [UInt8]) throws {
        let featureCount = sampleShape.featureCount
        guard classCount > 1, classCount <= 256 else {
            throw DatasetError.invalidShape("\(sampleShape) samples and \(classCount) classes")
        }
        guard pixels.count == labels.count * featureCount else {
            throw DatasetError.invalidShape(
                "\(pixels.count) feature bytes for \(labels.count) samples of \(featureCount) features")
        }
        if let bad = labels.first(where: { Int($0) >= classCount }) {
            throw DatasetError.invalidShape("label \(bad) is not below the class count \(classCount)")
        }
        self.sampleShape = sampleShape
        self.classCount = classCount
        self.pixels = pixels
        self.labels = labels
    }

    /// Number of samples.
    public var count: Int { labels.count }

    /// Number of features per sample (784 for 28x28 images).
    public var featureCount: Int { sampleShape.featureCount }

    /// The samples at `indices`, in that order (a client's shard, a test slice).
    public func subset(_ indices: some Collection<Int>) -> Dataset {
        var newPixels = [UInt8]()
        newPixels.reserveCapacity(indices.count * featureCount)
        var newLabels = [UInt8]()
        newLabels.reserveCapacity(indices.count)
        for index in indices {
            newPixels.append(contentsOf: pixels[index * featureCount ..< (index + 1) * featureCount])
            newLabels.append(labels[index])
        }
        // Shape and labels were valid in self, so they are valid here.
        return try! Dataset(sampleShape: sampleShape, classCount: classCount, pixels: newPixels, labels: newLabels)
    }

    /// How many samples of each class the dataset holds.
    public func classHistogram() -> [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }
}

/// Why a dataset could not be built or found.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    /// Features, labels and class count do not fit together.
    case invalidShape(String)
    /// The dataset's files are not where FedWatt looked; `hint` says how to get them.
    case missing(directory: String, file: String, hint: String)
    /// A dataset source string that is not `fashion-mnist` or `synthetic[:key=value,...]`.
    case invalidSource(String)

    public var description: String {
        switch self {
        case .invalidShape(let detail):
            return "invalid dataset shape: \(detail)"
        case .missing(let directory, let file, let hint):
            return "dataset file \(file) not found in \(directory); \(hint)"
        case .invalidSource(let text):
            return "invalid dataset '\(text)': use fashion-mnist or synthetic[:features=N or shape=HxWxC,classes=N,train=N,test=N,noise=X,seed=N]"
        }
    }
}
