import FedCodec
import FedCoordinator
import FedLearning
import FedLedger
import FedWire
import Testing

/// Jobs of an external model through the round state machine: initial parameters from the
/// configuration, client-reported FLOPs, and federated evaluation recorded as example-weighted means.
@Suite struct FederatedEvaluationTests {
    /// 20 parameters the coordinator cannot derive: an external model's initial parameters.
    let initial = (0..<20).map { Float($0) / 8 - 1 }

    func externalDriver(clients: Int = 3, rounds: Int = 2) throws -> MachineDriver {
        try MachineDriver(clients: clients, rounds: rounds, external: (name: "torch-cnn", initialParameters: initial))
    }

    @Test func anExternalJobStartsFromItsInitialParametersAndRecordsTheExampleWeightedFederatedEvaluation() throws {
        var driver = try externalDriver()
        for client in 0..<3 { try driver.join(client) }
        // Welcome names the external model and its size; round 1 carries the initial parameters.
        guard case .welcome(let welcome) = driver.sent.first(where: { $0.message.type == .welcome })?.message else {
            Issue.record("no Welcome")
            return
        }
        #expect(welcome.jobJSON.contains(#""model":{"external":{"name":"torch-cnn","parameterCount":20}}"#))
        let start = try #require(driver.roundStarts[0])
        #expect(start.models.count == 1)
        #expect(try TensorCodec.decode(start.models[0], expectedCount: 20) == initial)
        // Test splits of 60 examples over 3 IID clients hold 20 each.
        for (client, examples, accuracy, loss) in [(0, 5, 0.5, 1.5), (1, 10, 0.6, 1.0), (2, 20, 0.9, 0.25)] {
            try driver.evaluate(client, examples: examples, loss: loss, accuracy: accuracy)
            try driver.answer(client, moving: 0.25, reportedFLOPs: UInt64(1000 * (client + 1)))
        }
        #expect(driver.refusals.isEmpty)
        #expect(driver.machine.globalModel == initial.map { $0 + 0.25 })
        let record = try #require(driver.records.first)
        #expect(record.testAccuracy == (0.5 * 5 + 0.6 * 10 + 0.9 * 20) / 35)
        #expect(record.testLoss == (1.5 * 5 + 1.0 * 10 + 0.25 * 20) / 35)
        #expect(record.evaluation == FederatedEvaluation(modelAfterRound: 0, clients: 3, examples: 35))
        #expect(record.flopsSource == .clientReported)
        #expect(record.clients.map(\.flops) == [1000, 2000, 3000])
        #expect(record.clients.map(\.evaluation) == [
            ClientEvaluation(examples: 5, loss: 1.5, accuracy: 0.5), ClientEvaluation(examples: 10, loss: 1.0, accuracy: 0.6),
            ClientEvaluation(examples: 20, loss: 0.25, accuracy: 0.9),
        ])
        // Round 2's clients score the model round 1 produced; one of them evaluates nothing.
        try driver.evaluate(0, examples: 20, loss: 0.5, accuracy: 0.8)
        try driver.answer(0, moving: 0)
        try driver.answer(1, moving: 0)
        try driver.evaluate(2, examples: 20, loss: 0.3, accuracy: 0.9)
        try driver.answer(2, moving: 0)
        let second = driver.records[1]
        #expect(second.evaluation == FederatedEvaluation(modelAfterRound: 1, clients: 2, examples: 40))
        #expect(second.testAccuracy == (0.8 * 20 + 0.9 * 20) / 40)
        #expect(driver.machine.summary(connectionBytes: []).finalAccuracy == second.testAccuracy)
        #expect(driver.finished != nil)
    }

    /// Each field of an Evaluation is checked before it is kept, and a refused client's evaluation
    /// never reaches the means.
    @Test(arguments: [
        (31, 0.5, 0.5, ErrorCode.valueOutOfRange),  // more examples than the client's 30-example test split (60 over 2)
        (0, 0.5, 0.5, .malformedPayload),
        (10, Double.nan, 0.5, .nonFiniteValues),
        (10, 2e6, 0.5, .valueOutOfRange),
        (10, 0.5, 1.5, .valueOutOfRange),
        (10, 0.5, -0.1, .valueOutOfRange),
        (10, 0.5, .infinity, .nonFiniteValues),
    ])
    func aBadEvaluationIsRefusedAndLeavesTheMeansAlone(examples: Int, loss: Double, accuracy: Double, code: ErrorCode) throws {
        var driver = try externalDriver(clients: 2, rounds: 1)
        for client in 0..<2 { try driver.join(client) }
        try driver.evaluate(0, examples: examples, loss: loss, accuracy: accuracy)
        #expect(driver.refusedCodes == [code])
        try driver.evaluate(1, examples: 20, loss: 0.4, accuracy: 0.7)
        try driver.answer(1, moving: 0.1)
        let record = try #require(driver.records.first)
        #expect(record.completed == [1])
        #expect(record.evaluation == FederatedEvaluation(modelAfterRound: 0, clients: 1, examples: 20))
        #expect(record.testAccuracy == 0.7)
    }

    @Test func anEvaluationMustAnswerTheOpenRoundOnceAndOnlyInAJobItsClientsEvaluate() throws {
        var driver = try externalDriver(clients: 3, rounds: 1)
        for client in 0..<3 { try driver.join(client) }
        try driver.evaluate(0, round: 2, examples: 10, loss: 1, accuracy: 0.5)
        try driver.evaluate(1, examples: 10, loss: 1, accuracy: 0.5)
        try driver.evaluate(1, examples: 10, loss: 1, accuracy: 0.5)
        #expect(driver.refusedCodes == [.wrongRound, .duplicateUpdate])
        // A client whose update is refused after its evaluation is not in the means.
        try driver.evaluate(2, examples: 10, loss: 1, accuracy: 0.1)
        try driver.answer(2, delta: [0.1])
        #expect(driver.refusedCodes == [.wrongRound, .duplicateUpdate, .wrongShape])
        #expect(driver.records.first?.evaluation == FederatedEvaluation(modelAfterRound: 0, clients: 0, examples: 0))
        #expect(driver.records.first?.testAccuracy == nil)

        var own = try MachineDriver(clients: 1, rounds: 1)
        try own.join(0)
        try own.evaluate(0, examples: 10, loss: 1, accuracy: 0.5)
        #expect(own.refusedCodes == [.unexpectedMessage])
    }

    @Test func reportedFLOPsOfAnExternalModelAreBoundedNotMatched() throws {
        var driver = try externalDriver(clients: 2, rounds: 1)
        for client in 0..<2 { try driver.join(client) }
        try driver.answer(0, moving: 0.1, reportedFLOPs: UpdateValidator.maximumReportedFLOPs + 1)
        try driver.answer(1, moving: 0.1, reportedFLOPs: UpdateValidator.maximumReportedFLOPs)
        #expect(driver.refusedCodes == [.valueOutOfRange])
        #expect(driver.records.first?.clients.map(\.flops) == [0, Int(UpdateValidator.maximumReportedFLOPs)])
    }

    @Test func anExternalModelNeedsInitialParametersOfItsSizeAndFedWattsOwnTakesNone() throws {
        #expect(throws: TrainingError.self) {
            try MachineDriver(clients: 1, rounds: 1, external: (name: "net", initialParameters: initial)) { $0.initialParameters = [1, 2] }
        }
        #expect(throws: TrainingError.self) {
            try MachineDriver(clients: 1, rounds: 1, external: (name: "net", initialParameters: initial)) { $0.initialParameters = nil }
        }
        #expect(throws: TrainingError.self) { try MachineDriver(clients: 1, rounds: 1) { $0.initialParameters = [1] } }
        #expect(throws: TrainingError.self) {
            try MachineDriver(clients: 1, rounds: 1, external: (name: "not a name!", initialParameters: initial))
        }
    }
}
