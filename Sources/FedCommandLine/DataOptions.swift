import ArgumentParser
import FedData

/// `--dataset` and `--data-dir`: which dataset, and where Fashion-MNIST lives on this machine
/// (``settings`` gives them as a value).
public struct DataOptions: ParsableArguments {
    @Option(help: "Dataset: fashion-mnist, or synthetic[:features=N or shape=HxWxC,classes=N,train=N,test=N,noise=X,seed=N].")
    public var dataset: DatasetSource = .fashionMNIST

    @OptionGroup public var directory: DataDirectoryOption

    public init() {}

    /// The dataset and folder these flags give.
    public var settings: DataSettings { DataSettings(dataset: dataset, directory: directory.path) }

    /// The Fashion-MNIST folder to read.
    public var resolvedDirectory: String { settings.resolvedDirectory }
}

/// `--data-dir`: where this machine keeps Fashion-MNIST; clients need it without the rest of
/// ``DataOptions`` (they learn the dataset from the coordinator).
public struct DataDirectoryOption: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: "Folder with the Fashion-MNIST IDX files (default: $FEDWATT_DATA_DIR, else \(FashionMNIST.debianDirectory)).")
    public var path: String?

    public init() {}

    /// The Fashion-MNIST folder to read.
    public var resolved: String { FashionMNIST.directory(explicit: path) }
}

/// Which dataset, and the folder given for Fashion-MNIST if one was.
public struct DataSettings: Sendable, Hashable, Codable {
    /// The dataset.
    public var dataset: DatasetSource
    /// The Fashion-MNIST folder given (nil: `$FEDWATT_DATA_DIR`, else Debian's).
    public var directory: String?

    /// The Fashion-MNIST folder to read.
    public var resolvedDirectory: String { FashionMNIST.directory(explicit: directory) }
}

extension DatasetSource: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
