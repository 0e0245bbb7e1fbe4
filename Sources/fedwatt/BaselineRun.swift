import FedCommandLine
import FedCoordinator
import FedData
import FedLearning
import FedLedger
import FedReport
import FedZlib
import Foundation

/// The centralized baseline of a federated run, actually trained on this host: the same model and
/// SGD settings on the pooled shards (every shard together is the whole training set), for as many
/// sample passes as the federated run made, plus what each device would upload to train centrally.
struct BaselineRun {
    var summary: JobSummary
    var records: [RoundRecord]
    var dataDirectory: String
    /// With a fleet, each client's link (its class's), over which it would upload its raw shard.
    var uploadLinks: [String]?

    /// Trains, measures, and writes `centralized.json` into `directory`.
    func run(into directory: String) throws -> BaselineRecord {
        let job = summary.job
        guard let architecture = job.model.architecture else {
            throw TrainingError.invalidConfiguration("the run trained \(job.model), which FedWatt cannot train centrally: it has no baseline")
        }
        let train = try job.dataset.load(.train, directory: dataDirectory)
        let test = try job.dataset.load(.test, directory: dataDirectory)
        // Sample passes of the federated run: every aggregated update's samples x local epochs (a
        // straggler's, or one not needed, trained but did not move the model).
        let samples = records.reduce(0) { total, record in
            let fates = ClientFate.fates(in: record)
            return total + record.clients.filter { fates[$0.client] == .aggregated }.reduce(0) { $0 + $1.samples }
        } * job.localEpochs
        let epochs = max(1, Int((Double(samples) / Double(train.count)).rounded(.up)))
        say("centralized baseline: \(job.model), \(epochs) epochs over \(train.count) samples (the federated run's \(samples) sample passes)")
        var sgd = job.sgd
        sgd.proximalMu = 0
        let training = CentralizedTraining(architecture: architecture, sgd: sgd, schedule: .constant, epochs: epochs, seed: job.seed)
        let metered = try MeteredBaseline(training, train: train, test: test)
        let epochRecords = metered.records
        if let last = epochRecords.last {
            say(String(format: "centralized baseline: test accuracy %.4f, %.2f CPU-s, %.3g FLOPs", last.testAccuracy, last.cpuSeconds, Double(last.flops)))
        }
        let shards = try Partitioner(spec: job.partition, clientCount: job.clientCount, seed: job.seed)
            .shards(labels: train.labels, classCount: train.classCount)
        let uploads = try shards.map { try Self.compressedSize(of: train.subset($0)) }
        let baseline = BaselineRecord(
            model: architecture, sgd: sgd, schedule: .constant, epochs: epochs, seed: job.seed, dataset: job.dataset.description,
            trainSamples: train.count, testSamples: test.count, hostCores: ProcessInfo.processInfo.activeProcessorCount,
            records: epochRecords, hostReadings: metered.hostReadings, raplUnreadable: metered.raplUnreadable, rawUploadBytes: uploads,
            rawUploadLinks: uploadLinks)
        _ = try baseline.write(toDirectory: directory)
        return baseline
    }

    /// Bytes of a shard's pixels and labels after zlib (level 6): what its device would upload.
    static func compressedSize(of shard: Dataset) throws -> Int {
        try Zlib.compress(shard.pixels + shard.labels, level: 6).count
    }
}
