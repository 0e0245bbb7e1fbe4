/// Splits sample indices across clients according to a ``PartitionSpec``, deterministically from a seed.
///
/// Every sample lands in exactly one shard, every shard is non-empty, and the same inputs give the
/// same shards on every machine running the same build.
public struct Partitioner: Sendable, Hashable {
    /// How to split.
    public let spec: PartitionSpec
    /// Number of clients.
    public let clientCount: Int
    /// Seed for every random choice the split makes.
    public let seed: UInt64

    /// Skewed draws are repeated until each client holds at least this many samples (as NIID-Bench does),
    /// lowered for datasets too small to give every client that many.
    public static let minimumSamplesPerClient = 10
    /// How many draws a skewed split may take before it is declared unsatisfiable.
    public static let maximumDraws = 1000

    /// Creates a partitioner.
    public init(spec: PartitionSpec, clientCount: Int, seed: UInt64) {
        precondition(clientCount > 0, "clientCount must be positive")
        self.spec = spec
        self.clientCount = clientCount
        self.seed = seed
    }

    /// The indices of every client's shard, client 0 first, each sorted ascending.
    public func shards(labels: [UInt8], classCount: Int) throws -> [[Int]] {
        let total = labels.count
        let shardCount = spec.shardsPerClient * clientCount
        guard total >= shardCount else {
            throw PartitionError.tooFewSamples(samples: total, clients: clientCount, needed: shardCount)
        }
        var generator = SeededGenerator(seed: seed, stream: 0xFA27)
        var result: [[Int]]
        switch spec {
        case .iid:
            var order = Array(0..<total)
            order.shuffle(using: &generator)
            result = split(order, proportions: Array(repeating: 1.0 / Double(clientCount), count: clientCount))
        case .shards(let perClient):
            result = pathologicalShards(labels: labels, perClient: perClient, generator: &generator)
        case .dirichlet(let alpha):
            result = try redrawUntilSatisfied(total: total, generator: &generator) { generator in
                labelSkew(labels: labels, classCount: classCount, alpha: alpha, generator: &generator)
            }
        case .quantity(let alpha):
            result = try redrawUntilSatisfied(total: total, generator: &generator) { generator in
                var order = Array(0..<total)
                order.shuffle(using: &generator)
                return split(order, proportions: generator.nextDirichlet(alpha: alpha, count: clientCount))
            }
        }
        return result.map { $0.sorted() }
    }

    /// The indices of client `id`'s shard: what a client computes from the job config alone.
    public func shard(forClient id: Int, labels: [UInt8], classCount: Int) throws -> [Int] {
        guard (0..<clientCount).contains(id) else { throw PartitionError.clientOutOfRange(id: id, clientCount: clientCount) }
        return try shards(labels: labels, classCount: classCount)[id]
    }

    private func redrawUntilSatisfied(
        total: Int, generator: inout SeededGenerator, draw: (inout SeededGenerator) -> [[Int]]
    ) throws -> [[Int]] {
        let minimum = max(1, min(Self.minimumSamplesPerClient, total / (2 * clientCount)))
        for _ in 0..<Self.maximumDraws {
            let candidate = draw(&generator)
            if candidate.allSatisfy({ $0.count >= minimum }) { return candidate }
        }
        throw PartitionError.unsatisfiable(spec: spec.description, clients: clientCount, minimumPerClient: minimum)
    }

    /// For each class, spreads its samples over clients in Dirichlet(alpha) proportions; a client
    /// already holding its fair share (total / clients) takes no more (the NIID-Bench balancing rule).
    private func labelSkew(labels: [UInt8], classCount: Int, alpha: Double, generator: inout SeededGenerator) -> [[Int]] {
        var byClass = [[Int]](repeating: [], count: classCount)
        for (index, label) in labels.enumerated() { byClass[Int(label)].append(index) }
        let fairShare = Double(labels.count) / Double(clientCount)
        var shards = [[Int]](repeating: [], count: clientCount)
        for var members in byClass where !members.isEmpty {
            members.shuffle(using: &generator)
            var proportions = generator.nextDirichlet(alpha: alpha, count: clientCount)
            for client in 0..<clientCount where Double(shards[client].count) >= fairShare { proportions[client] = 0 }
            let mass = proportions.reduce(0, +)
            if mass > 0 { proportions = proportions.map { $0 / mass } } else { proportions = Array(repeating: 1.0 / Double(clientCount), count: clientCount) }
            for (client, part) in split(members, proportions: proportions).enumerated() {
                shards[client].append(contentsOf: part)
            }
        }
        return shards
    }

    /// Sorts by label, cuts into `perClient * clientCount` equal shards and deals `perClient` random shards to each client.
    private func pathologicalShards(labels: [UInt8], perClient: Int, generator: inout SeededGenerator) -> [[Int]] {
        var order = Array(0..<labels.count)
        order.shuffle(using: &generator)  // random order within each label
        order.sort { labels[$0] < labels[$1] }
        let pieceCount = perClient * clientCount
        let pieces = split(order, proportions: Array(repeating: 1.0 / Double(pieceCount), count: pieceCount))
        var deal = Array(0..<pieceCount)
        deal.shuffle(using: &generator)
        return (0..<clientCount).map { client in
            deal[(client * perClient)..<((client + 1) * perClient)].flatMap { pieces[$0] }
        }
    }

    /// Cuts `items` into consecutive parts with the given proportions; every item lands in exactly one part.
    private func split(_ items: [Int], proportions: [Double]) -> [[Int]] {
        var parts = [[Int]]()
        parts.reserveCapacity(proportions.count)
        var cumulative = 0.0
        var start = 0
        for (index, share) in proportions.enumerated() {
            cumulative += share
            let end = index == proportions.count - 1
                ? items.count
                : min(items.count, max(start, Int((cumulative * Double(items.count)).rounded())))
            parts.append(Array(items[start..<end]))
            start = end
        }
        return parts
    }
}

extension PartitionSpec {
    /// How many samples a client needs at the least under this spec (one per shard for `shards:K`).
    var shardsPerClient: Int {
        if case .shards(let k) = self { return k }
        return 1
    }
}
