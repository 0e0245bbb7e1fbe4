import ArgumentParser
import FedData

/// Which dataset, and where Fashion-MNIST lives on this machine.
public struct DataOptions: ParsableArguments {
    @Option(help: "Dataset: fashion-mnist, or synthetic[:features=N or shape=HxWxC,classes=N,train=N,test=N,noise=X,seed=N].")
    public var dataset: DatasetSource = .fashionMNIST

    @Option(
        name: .customLong("data-dir"),
        help: "Folder with the Fashion-MNIST IDX files (default: $FEDWATT_DATA_DIR, else \(FashionMNIST.debianDirectory)).")
    public var dataDirectory: String?

    public init() {}

    /// The Fashion-MNIST folder to read.
    public var resolvedDirectory: String { FashionMNIST.directory(explicit: dataDirectory) }

    /// The flags that reproduce these options on another command line.
    public var arguments: [String] {
        ["--dataset", dataset.description] + (dataDirectory.map { ["--data-dir", $0] } ?? [])
    }
}

extension DatasetSource: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
