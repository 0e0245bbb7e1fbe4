import ArgumentParser
import FedData
import FedLearning
import Foundation
import Logging

/// `fedwatt centralized`: the centralized baseline on the full Fashion-MNIST training set.
struct Centralized: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the model centrally on all 60,000 training images (the energy baseline).",
        discussion: """
            Prints one line per epoch (test accuracy and loss, elapsed time, cumulative FLOPs) and \
            writes DIR/centralized.json with the configuration and every epoch's record.
            """
    )

    @Option(help: "Model: softmax (multinomial logistic regression) or mlp (784-H-10, ReLU).")
    var model: ModelChoice = .mlp

    @Option(help: "Hidden units of the MLP.")
    var hidden: Int = 128

    @Option(help: "Passes over the training set.")
    var epochs: Int = 10

    @Option(help: "SGD learning rate.")
    var lr: Float = 0.1

    @Option(name: .customLong("lr-schedule"), help: "Learning-rate schedule over the epochs: constant or cosine.")
    var lrSchedule: LearningRateSchedule = .cosine

    @Option(help: "Minibatch size.")
    var batch: Int = 32

    @Option(help: "Heavy-ball momentum (0 = plain SGD).")
    var momentum: Float = 0

    @Option(name: .customLong("weight-decay"), help: "L2 weight decay coefficient.")
    var weightDecay: Float = 0

    @Option(help: "Seed for initialisation and sample order.")
    var seed: UInt64 = 1

    @Option(help: "Folder for centralized.json (created if missing).")
    var out: String = "out/centralized"

    @Option(
        name: .customLong("data-dir"),
        help: "Folder with the Fashion-MNIST IDX files (default: $FEDWATT_DATA_DIR, else \(FashionMNIST.debianDirectory)).")
    var dataDirectory: String?

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be at least 1, e.g. --epochs 10") }
        guard hidden > 0 else { throw ValidationError("--hidden must be at least 1, e.g. --hidden 128") }
        do {
            try sgd.validate()
        } catch let error as TrainingError {
            throw ValidationError(error.description)
        }
    }

    private var sgd: SGDConfiguration {
        SGDConfiguration(learningRate: lr, batchSize: batch, momentum: momentum, weightDecay: weightDecay)
    }

    func run() async throws {
        let logger = Logger(label: "fedwatt.centralized")
        let directory = FashionMNIST.directory(explicit: dataDirectory)
        logger.info("loading Fashion-MNIST from \(directory)")
        let train = try FashionMNIST.load(.train, from: directory)
        let test = try FashionMNIST.load(.test, from: directory)
        let job = CentralizedTraining(architecture: model.architecture(hidden: hidden), sgd: sgd, schedule: lrSchedule, epochs: epochs, seed: seed)
        print("centralized \(job.architecture): \(job.architecture.parameterCount) parameters, "
            + "\(train.count) training and \(test.count) test samples")
        let (_, records) = try job.run(train: train, test: test) { record in
            print(String(
                format: "epoch %2d/%d  lr %.4f  test accuracy %.4f  test loss %.4f  train loss %.4f  elapsed %6.1f s  cpu %6.1f s  %.3g FLOPs",
                record.epoch, epochs, record.learningRate, record.testAccuracy, record.testLoss, record.trainLoss,
                record.elapsedSeconds, record.cpuSeconds, Double(record.flops)))
        }
        let report = CentralizedReport(
            model: job.architecture, parameterCount: job.architecture.parameterCount, sgd: sgd, schedule: lrSchedule,
            epochs: epochs,
            seed: seed, dataDirectory: directory, trainSamples: train.count, testSamples: test.count, records: records)
        let path = try report.write(toDirectory: out)
        print("wrote \(path)")
    }
}
