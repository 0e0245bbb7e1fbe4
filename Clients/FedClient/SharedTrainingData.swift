import FedData
import NIOConcurrencyHelpers

/// Training splits and their partitions, computed once per process and shared by every client in
/// it that runs a job on the same data: the thousands of clients of `fedwatt load` hold one copy of
/// the dataset and split it once, whichever job their coordinator sends them.
public final class SharedTrainingData: Sendable {
    private struct Split: Hashable {
        var source: DatasetSource
        var partitioner: Partitioner
    }

    private let datasets = NIOLockedValueBox<[DatasetSource: Dataset]>([:])
    private let splits = NIOLockedValueBox<[Split: [[Int]]]>([:])

    /// An empty cache; nothing is loaded until a client asks.
    public init() {}

    /// `source`'s training split, read from `directory` by the first client that asks, and client
    /// `clientID`'s shard of it under `partitioner`, computed (with every other client's) by the
    /// first client that asks for that split.
    func shard(_ clientID: Int, of source: DatasetSource, directory: String, partitioner: Partitioner) throws -> (data: Dataset, shard: [Int]) {
        guard (0..<partitioner.clientCount).contains(clientID) else {
            throw PartitionError.clientOutOfRange(id: clientID, clientCount: partitioner.clientCount)
        }
        let data = try datasets.withLockedValue { cache in
            if let dataset = cache[source] { return dataset }
            let dataset = try source.load(.train, directory: directory)
            cache[source] = dataset
            return dataset
        }
        let shards = try splits.withLockedValue { cache in
            let split = Split(source: source, partitioner: partitioner)
            if let shards = cache[split] { return shards }
            let shards = try partitioner.shards(labels: data.labels, classCount: data.classCount)
            cache[split] = shards
            return shards
        }
        return (data, shards[clientID])
    }
}
