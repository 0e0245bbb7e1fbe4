import FedCoordinator
import FedLedger
import Foundation
import Testing

@Suite struct StrategyLabelTests {
    /// Every strategy `--strategy` offers is named as ledgers, summaries and checkpoints have always
    /// spelled it, and the spelling decodes back to the same label.
    @Test func everyStrategyKeepsItsLedgerSpelling() throws {
        let spellings: [StrategyName: String] = [
            .fedavg: "FedAvg", .fedprox: "FedProx", .fedadam: "FedAdam", .fedyogi: "FedYogi", .median: "median",
            .trimmedMean: "trimmed-mean (0.2 each end)", .krum: "Krum (f = 2)",
        ]
        for name in StrategyName.allCases {
            let label = name.make(serverLearningRate: nil, mu: 0.01, beta1: 0.9, beta2: 0.99, tau: 1e-3).name
            let json = try JSONEncoder().encode([label])
            #expect(String(decoding: json, as: UTF8.self) == "[\"\(spellings[name]!)\"]")
            #expect(try JSONDecoder().decode([StrategyLabel].self, from: json) == [label])
        }
    }

    @Test func anUnknownStrategyIsRefusedByName() {
        #expect {
            try JSONDecoder().decode([StrategyLabel].self, from: Data(#"["Krum (f = many)"]"#.utf8))
        } throws: { error in
            "\(error)".contains("Krum (f = many)")
        }
    }
}
