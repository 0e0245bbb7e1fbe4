import FedData
import Testing

@Suite struct PartitionerTests {
    /// 10 classes x 100 samples, labels interleaved.
    let labels: [UInt8] = (0..<1000).map { UInt8($0 % 10) }

    static let specs: [PartitionSpec] = [.iid, .dirichlet(alpha: 0.1), .dirichlet(alpha: 1), .shards(perClient: 2), .quantity(alpha: 0.5)]

    @Test(arguments: specs)
    func placesEverySampleInExactlyOneNonEmptyShard(spec: PartitionSpec) throws {
        let shards = try Partitioner(spec: spec, clientCount: 10, seed: 5).shards(labels: labels, classCount: 10)
        #expect(shards.count == 10)
        #expect(shards.allSatisfy { !$0.isEmpty })
        #expect(shards.flatMap { $0 }.sorted() == Array(0..<1000))
    }

    @Test(arguments: specs)
    func isDeterministicFromTheSeed(spec: PartitionSpec) throws {
        let first = try Partitioner(spec: spec, clientCount: 10, seed: 5).shards(labels: labels, classCount: 10)
        let again = try Partitioner(spec: spec, clientCount: 10, seed: 5).shards(labels: labels, classCount: 10)
        let other = try Partitioner(spec: spec, clientCount: 10, seed: 6).shards(labels: labels, classCount: 10)
        #expect(first == again)
        #expect(first != other)
    }

    @Test func clientDerivesItsOwnShard() throws {
        let partitioner = Partitioner(spec: .dirichlet(alpha: 0.5), clientCount: 10, seed: 5)
        let all = try partitioner.shards(labels: labels, classCount: 10)
        for id in 0..<10 { #expect(try partitioner.shard(forClient: id, labels: labels, classCount: 10) == all[id]) }
        #expect(throws: PartitionError.clientOutOfRange(id: 10, clientCount: 10)) {
            try partitioner.shard(forClient: 10, labels: labels, classCount: 10)
        }
    }

    /// Classes holding at least 5% of a client's samples, averaged over clients.
    func meanDominantClasses(_ shards: [[Int]]) -> Double {
        let counts = shards.map { shard in
            var histogram = [Int](repeating: 0, count: 10)
            for index in shard { histogram[Int(labels[index])] += 1 }
            return histogram.filter { Double($0) >= 0.05 * Double(shard.count) }.count
        }
        return Double(counts.reduce(0, +)) / Double(shards.count)
    }

    @Test func smallAlphaSkewsLabelsAndIIDDoesNot() throws {
        let iid = try Partitioner(spec: .iid, clientCount: 10, seed: 1).shards(labels: labels, classCount: 10)
        let skewed = try Partitioner(spec: .dirichlet(alpha: 0.1), clientCount: 10, seed: 1).shards(labels: labels, classCount: 10)
        #expect(meanDominantClasses(iid) >= 9)
        #expect(meanDominantClasses(skewed) <= 3)
    }

    @Test func shardsGiveEachClientAtMostKClasses() throws {
        let shards = try Partitioner(spec: .shards(perClient: 2), clientCount: 10, seed: 1).shards(labels: labels, classCount: 10)
        for shard in shards {
            #expect(shard.count == 100)
            #expect(Set(shard.map { labels[$0] }).count <= 2)
        }
    }

    @Test func quantitySkewVariesSizesNotLabels() throws {
        let shards = try Partitioner(spec: .quantity(alpha: 0.5), clientCount: 10, seed: 1).shards(labels: labels, classCount: 10)
        let sizes = shards.map(\.count)
        #expect(sizes.max()! >= 4 * sizes.min()!)
        #expect(sizes.min()! >= Partitioner.minimumSamplesPerClient)
    }

    @Test func iidShardSizesDifferByAtMostOne() throws {
        let sizes = try Partitioner(spec: .iid, clientCount: 7, seed: 1).shards(labels: labels, classCount: 10).map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test func refusesMoreShardsThanSamples() {
        #expect(throws: PartitionError.tooFewSamples(samples: 1000, clients: 600, needed: 1200)) {
            try Partitioner(spec: .shards(perClient: 2), clientCount: 600, seed: 1).shards(labels: labels, classCount: 10)
        }
    }

    @Test func reportsSkewThatLeavesAClientEmptyInEveryDraw() {
        let few = Array(labels[..<20])
        #expect(throws: PartitionError.unsatisfiable(spec: "quantity:0.001", clients: 10, minimumPerClient: 1)) {
            try Partitioner(spec: .quantity(alpha: 0.001), clientCount: 10, seed: 1).shards(labels: few, classCount: 10)
        }
    }

    @Test(arguments: ["iid", "dirichlet:0.5", "shards:2", "quantity:1.0"])
    func specStringRoundTrips(text: String) throws {
        let spec = try PartitionSpec(parsing: text)
        #expect(PartitionSpec(spec.description) == spec)
    }

    @Test(arguments: ["", "iid:3", "dirichlet", "dirichlet:-1", "dirichlet:nan", "shards:0", "shards:1.5", "zipf:2"])
    func rejectsMalformedSpec(text: String) {
        #expect(throws: PartitionError.self) { try PartitionSpec(parsing: text) }
    }
}
