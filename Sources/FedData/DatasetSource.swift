/// Which dataset a job trains on, as a short string in the job configuration:
/// `fashion-mnist`, or `synthetic` with optional `key=value` settings
/// (`synthetic:features=64,classes=10,train=2000,test=500,noise=90,seed=1`) for tests and demos.
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
            return "synthetic:features=\(s.features),classes=\(s.classes),train=\(s.train),test=\(s.test),noise=\(s.noise),seed=\(s.seed)"
        }
    }

    /// Loads one split; `directory` is the Fashion-MNIST folder (ignored for synthetic data).
    public func load(_ split: FashionMNIST.Split, directory: String = FashionMNIST.directory()) throws -> Dataset {
        switch self {
        case .fashionMNIST:
            return try FashionMNIST.load(split, from: directory)
        case .synthetic(let s):
            let task = SyntheticTask(featureCount: s.features, classCount: s.classes, noise: s.noise, seed: s.seed)
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

    /// Features and classes of the data, known without loading it.
    public var shape: (features: Int, classes: Int) {
        switch self {
        case .fashionMNIST: return (784, 10)
        case .synthetic(let s): return (s.features, s.classes)
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
