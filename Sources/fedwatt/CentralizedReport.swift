import FedLearning
import Foundation

/// The content of `centralized.json`: the job and its per-epoch records.
struct CentralizedReport: Codable {
    var model: ModelArchitecture
    var parameterCount: Int
    var sgd: SGDConfiguration
    var schedule: LearningRateSchedule
    var epochs: Int
    var seed: UInt64
    var dataset: String
    var dataDirectory: String
    var trainSamples: Int
    var testSamples: Int
    var records: [CentralizedTraining.EpochRecord]

    /// Writes `centralized.json` into `directory` atomically; returns its path.
    func write(toDirectory directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = (directory as NSString).appendingPathComponent("centralized.json")
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}
