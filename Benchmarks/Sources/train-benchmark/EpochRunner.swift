import FedData
import FedLearning
import Foundation

/// One epoch of FedWatt's trainer from fixed initial weights, timed; the reference runs copy its data,
/// weights and batch order.
struct EpochRunner {
    let architecture: ModelArchitecture
    let sgd: SGDConfiguration
    let data: Dataset
    let seed: UInt64
    let initial: [Float]

    init(architecture: ModelArchitecture, sgd: SGDConfiguration, data: Dataset, seed: UInt64) {
        self.architecture = architecture
        self.sgd = sgd
        self.data = data
        self.seed = seed
        initial = architecture.initialParameters(seed: seed)
    }

    /// The sample order of the epoch: the trainer shuffles `0..<n` with a generator of this seed.
    var order: [Int] {
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<data.count)
        order.shuffle(using: &generator)
        return order
    }

    /// Runs one warm-up epoch, then `repeats` timed ones; returns the last final weights and the median wall seconds.
    func run(repeats: Int) throws -> (parameters: [Float], seconds: Double) {
        var times = [Double]()
        var parameters = [Float]()
        for _ in 0...repeats {
            let trainer = try LocalTrainer(architecture: architecture, configuration: sgd)
            parameters = initial
            var generator = SeededGenerator(seed: seed)
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try trainer.train(parameters: &parameters, on: data, epochs: 1, generator: &generator)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        let timed = times.dropFirst().sorted()
        return (parameters, timed[timed.count / 2])
    }

    /// Analytic FLOPs of one epoch.
    var epochFLOPs: Int {
        let batches = (data.count + sgd.batchSize - 1) / sgd.batchSize
        return architecture.trainingFLOPs(samples: data.count, batches: batches, configuration: sgd)
    }
}
