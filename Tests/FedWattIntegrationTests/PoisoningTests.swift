import FedClient
import FedCoordinator
import Testing

@Suite(.serialized, .timeLimit(.minutes(2))) struct PoisoningTests {
    /// 10 clients on loopback, 8 rounds of 3 local epochs; clients 0 and 1 send -10 times their
    /// honest delta when `attacked`.
    func finalAccuracy(_ strategy: any AggregationStrategy, attacked: Bool) async throws -> Double {
        let setup = try await LoopbackJob(clients: 10, rounds: 8, strategy: strategy, localEpochs: 3)
        let clients = (0..<10).map { id in
            Task { try await setup.client(id, port: setup.server.port, attack: attacked && id < 2 ? .signFlip(scale: 10) : nil).run() }
        }
        let summary = try await setup.coordinator.run()
        for client in clients { try await client.value }
        await setup.cleanUp()
        return summary.finalAccuracy
    }

    @Test func medianAndTrimmedMeanWithstandTwoSignFlippingClientsWhereFedAvgCollapses() async throws {
        let clean = try await finalAccuracy(FedAvg(), attacked: false)
        let poisonedAverage = try await finalAccuracy(FedAvg(), attacked: true)
        let median = try await finalAccuracy(RobustAggregation(combination: .median), attacked: true)
        let trimmed = try await finalAccuracy(RobustAggregation(combination: .trimmedMean(fraction: 0.2)), attacked: true)
        #expect(clean > 0.8)
        #expect(poisonedAverage < clean - 0.3, "fedavg under attack: \(poisonedAverage), clean \(clean)")
        #expect(median >= clean - 0.02, "median under attack: \(median), clean \(clean)")
        #expect(trimmed >= clean - 0.02, "trimmed mean under attack: \(trimmed), clean \(clean)")
    }

    @Test func clippingBoundsWhatOneClientCanMove() async throws {
        let setup = try await LoopbackJob(clients: 3, rounds: 1, clipNorm: 0.01)
        let clients = (0..<3).map { id in Task { try await setup.client(id, port: setup.server.port).run() } }
        _ = try await setup.coordinator.run()
        for client in clients { try await client.value }
        let records = try setup.ledger()
        let global = await setup.coordinator.globalModel
        await setup.cleanUp()
        #expect(records[0].clients.allSatisfy { $0.clipped && $0.updateNorm! > 0.01 })
        let initial = setup.job.model.architecture!.initialParameters(seed: setup.job.seed)
        let moved = zip(global, initial).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
        #expect(moved <= 0.01 * 1.0001)
    }
}
