import ArgumentParser
import FedCommandLine
import FedData
import FedLearning
import FedReport
import Foundation
import Logging

/// `fedwatt centralized`: the centralized baseline on the whole training set.
struct Centralized: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the model centrally on the whole training set (the energy baseline).",
        discussion: """
            Prints one line per epoch (test accuracy and loss, elapsed time, cumulative FLOPs) and \
            writes DIR/centralized.json with the configuration and every epoch's record.
            """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var data: DataOptions

    @Option(help: "Passes over the training set.")
    var epochs: Int = 10

    @Option(name: .customLong("lr-schedule"), help: "Learning-rate schedule over the epochs: constant or cosine.")
    var lrSchedule: LearningRateSchedule = .cosine

    @Option(help: "Folder for centralized.json (created if missing).")
    var out: String = "out/centralized"

    func validate() throws {
        try model.requireFedWattModel(for: "fedwatt centralized")
        guard epochs > 0 else { throw ValidationError("--epochs must be at least 1, e.g. --epochs 10") }
    }

    func run() async throws {
        let logger = Logger(label: "fedwatt.centralized")
        logger.info("loading \(data.dataset) (Fashion-MNIST folder \(data.resolvedDirectory))")
        let train = try data.dataset.load(.train, directory: data.resolvedDirectory)
        let test = try data.dataset.load(.test, directory: data.resolvedDirectory)
        let job = CentralizedTraining(
            architecture: try model.choice.architecture(sample: data.dataset.sampleShape, classes: data.dataset.classCount), sgd: training.sgd,
            schedule: lrSchedule, epochs: epochs, seed: training.seed)
        print("centralized \(job.architecture): \(job.architecture.parameterCount) parameters, "
            + "\(train.count) training and \(test.count) test samples")
        let baseline = try MeteredBaseline(job, train: train, test: test) { record in
            print(String(
                format: "epoch %2d/%d  lr %.4f  test accuracy %.4f  test loss %.4f  train loss %.4f  elapsed %6.1f s  cpu %6.1f s  %.3g FLOPs",
                record.epoch, epochs, record.learningRate, record.testAccuracy, record.testLoss, record.trainLoss,
                record.elapsedSeconds, record.cpuSeconds, Double(record.flops)))
        }
        let report = BaselineRecord(
            model: job.architecture, sgd: job.sgd, schedule: lrSchedule, epochs: epochs, seed: training.seed,
            dataset: data.dataset.description, trainSamples: train.count, testSamples: test.count,
            hostCores: ProcessInfo.processInfo.activeProcessorCount, records: baseline.records, hostReadings: baseline.hostReadings,
            raplUnreadable: baseline.raplUnreadable, rawUploadBytes: [])
        let path = try report.write(toDirectory: out)
        print("wrote \(path)")
    }
}

extension LearningRateSchedule: ExpressibleByArgument {}
