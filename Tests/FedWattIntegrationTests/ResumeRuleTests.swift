import FedCoordinator
import FedLearning
import Foundation
import Testing

/// `--resume` carries on the job it checkpointed, under the same aggregation rule or not at all.
@Suite(.timeLimit(.minutes(1))) struct ResumeRuleTests {
    @Test func resumingUnderAnotherStrategyOrClippingIsRefused() async throws {
        let setup = try await LoopbackJob(clients: 2, rounds: 1, strategy: FedAdam(optimizer: FedOpt(learningRate: 0.01)))
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }
        let clients = (0..<2).map { id in Task { try await setup.client(id, port: port).run() } }
        _ = try await job.value
        for client in clients { try await client.value }
        await setup.server.shutdown()
        defer { try? FileManager.default.removeItem(at: setup.directory) }

        func resume(_ change: (inout CoordinatorConfiguration) -> Void) throws {
            var configuration = setup.configuration
            configuration.resume = true
            change(&configuration)
            _ = try Coordinator(
                configuration: configuration, testSet: try setup.job.dataset.load(.test),
                trainingLabels: try setup.job.dataset.loadLabels(.train))
        }
        func refusal(_ change: (inout CoordinatorConfiguration) -> Void) -> String? {
            do {
                try resume(change)
                return nil
            } catch {
                return "\(error)"
            }
        }
        let changes: [(String, (inout CoordinatorConfiguration) -> Void)] = [
            ("FedYogi", { $0.strategy = FedYogi(optimizer: FedOpt(learningRate: 0.01)) }),
            ("beta1 0.5", { $0.strategy = FedAdam(optimizer: FedOpt(learningRate: 0.01, beta1: 0.5)) }),
            ("FedAvg", { $0.strategy = FedAvg() }),
            ("clip norm 5", { $0.clipNorm = 5 }),
        ]
        for (asked, change) in changes {
            let text = refusal(change)
            #expect(text?.contains("cannot resume") == true && text?.contains(asked) == true, "\(asked): \(text ?? "resumed")")
        }
        try resume { _ in }  // the same rule resumes
    }
}
