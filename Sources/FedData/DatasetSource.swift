/// Which dataset a job trains on, as a short string in the job configuration:
/// `fashion-mnist`, or `synthetic` with optional `key=value` settings
/// (`synthetic:features=64,classes=10,train=2000,test=500,noise=90,seed=1`) for tests and demos;
/// `shape=HxWxC` in place of `features=N` gives synthetic samples a height, width and channels.
///
/// Each process loads the split it needs from its own copy: clients the training split (and keep
/// their shard), the coordinator the test split. Data never crosses the wire.
public enum DatasetSource: Sendable, Hashable, LosslessStringConvertible, Codable {
    /// Fashion-MNIST from the local dataset folder (see ``FashionMNIST``).
    case fashionMNIST
    /// A ``SyntheticTask`` with its train and test sizes.
    case synthetic(SyntheticSettings)

    /// The settings of a synthetic dataset.
    public struct SyntheticSettings: Sendable, Hashable, Codable {
        public var features = 64
        public var classes = 10
        public var train = 2000
        public var test = 500
        public var noise = 90.0
        public var seed: UInt64 = 1
        /// The samples' shape when given as `shape=HxWxC`; nil for flat samples of `features` values.
        public var shape: SampleShape?

        /// The defaults above.
        public init() {}
    }

    /// Parses a source string; nil if malformed (``init(parsing:)`` says why).
    public init?(_ description: String) {
        guard let source = try? DatasetSource(parsing: description) else { return nil }
        self = source
    }

    /// Parses a source string, throwing ``DatasetError/invalidSource(_:)`` with what to type instead.
    public init(parsing text: String) throws {
        if text == "fashion-mnist" {
            self = .fashionMNIST
            return
        }
        guard text == "synthetic" || text.hasPrefix("synthetic:") else {
            throw DatasetError.invalidSource(text)
        }
        var settings = SyntheticSettings()
        for pair in text.dropFirst("synthetic:".count).split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw DatasetError.invalidSource(text) }
            let (key, value) = (parts[0], parts[1])
            switch key {
            case "features": settings.features = try Self.positive(value, text)
            case "shape":
                guard let shape = SampleShape(value) else { throw DatasetError.invalidSource(text) }
                settings.shape = shape
            case "classes": settings.classes = try Self.positive(value, text)
            case "train": settings.train = try Self.positive(value, text)
            case "test": settings.test = try Self.positive(value, text)
            case "noise":
                guard let noise = Double(value), noise.isFinite, noise >= 0 else { throw DatasetError.invalidSource(text) }
                settings.noise = noise
            case "seed":
                guard let seed = UInt64(value) else { throw DatasetError.invalidSource(text) }
                settings.seed = seed
            default: throw DatasetError.invalidSource(text)
            }
        }
        guard settings.classes >= 2, settings.classes <= 256 else { throw DatasetError.invalidSource(text) }
        if let shape = settings.shape { settings.features = shape.featureCount }
        self = .synthetic(settings)
    }

    private static func positive(_ value: String, _ text: String) throws -> Int {
        guard let number = Int(value), number > 0 else { throw DatasetError.invalidSource(text) }
        return number
    }

    /// The source string, which parses back to the same value.
    public var description: String {
        switch self {
        case .fashionMNIST:
            return "fashion-mnist"
        case .synthetic(let s):
            let size = s.shape.map { "shape=\($0)" } ?? "features=\(s.features)"
            return "synthetic:\(size),classes=\(s.classes),train=\(s.train),test=\(s.test),noise=\(s.noise),seed=\(s.seed)"
        }
    }

    /// Loads one split; `directory` is the Fashion-MNIST folder (ignored for synthetic data).
    public func load(_ split: FashionMNIST.Split, directory: String = FashionMNIST.directory()) throws -> Dataset {
        switch self {
        case .fashionMNIST:
            return try FashionMNIST.load(split, from: directory)
        case .synthetic(let s):
            let task = SyntheticTask(sampleShape: sampleShape, classCount: s.classes, noise: s.noise, seed: s.seed)
            return split == .train
                ? task.makeDataset(count: s.train, seed: s.seed &+ 1)
                : task.makeDataset(count: s.test, seed: s.seed &+ 2)
        }
    }

    /// One split's labels alone: for Fashion-MNIST only the labels file is read.
    public func loadLabels(_ split: FashionMNIST.Split, directory: String = FashionMNIST.directory()) throws -> [UInt8] {
        switch self {
        case .fashionMNIST: return try FashionMNIST.loadLabels(split, from: directory)
        case .synthetic: return try load(split, directory: directory).labels
        }
    }

    /// The shape of each sample, known without loading the data.
    public var sampleShape: SampleShape {
        switch self {
        case .fashionMNIST: return SampleShape(height: 28, width: 28, channels: 1)
        case .synthetic(let s): return s.shape ?? .flat(s.features)
        }
    }

    /// The number of classes, known without loading the data.
    public var classCount: Int {
        switch self {
        case .fashionMNIST: return 10
        case .synthetic(let s): return s.classes
        }
    }

    public init(from decoder: Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
