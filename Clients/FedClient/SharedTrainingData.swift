import FedData
import NIOConcurrencyHelpers

/// Training splits loaded once per process and shared by every client in it that runs a job on
/// the same dataset: the thousands of clients of `fedwatt load` hold one copy, whichever job their
/// coordinator sends them.
public final class SharedTrainingData: Sendable {
    private let loaded = NIOLockedValueBox<[DatasetSource: Dataset]>([:])

    /// An empty cache; nothing is loaded until a client asks.
    public init() {}

    /// `source`'s training split, read from `directory` by the first client that asks for it.
    func training(_ source: DatasetSource, directory: String) throws -> Dataset {
        try loaded.withLockedValue { cache in
            if let dataset = cache[source] { return dataset }
            let dataset = try source.load(.train, directory: directory)
            cache[source] = dataset
            return dataset
        }
    }
}
