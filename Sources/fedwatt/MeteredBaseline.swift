import FedData
import FedEnergy
import FedLearning

/// A centralized training run with the host meter around each epoch's training (not its
/// evaluation): the epochs' records, what the meter saw up to each, and why RAPL was not read.
struct MeteredBaseline {
    var records: [CentralizedTraining.EpochRecord] = []
    var hostReadings: [HostReading] = []
    var raplUnreadable: RAPLUnreadable?

    /// Runs `training` on `train`, evaluating on `test`, and reports each epoch to `onEpoch`.
    init(_ training: CentralizedTraining, train: Dataset, test: Dataset, onEpoch: (CentralizedTraining.EpochRecord) -> Void = { _ in }) throws {
        var meter = HostEnergyMeter()
        var readings: [HostReading] = []
        let (_, records) = try training.run(
            train: train, test: test,
            onEpoch: { record in
                readings.append(meter.reading)
                onEpoch(record)
            },
            onPhase: { phase in
                switch phase {
                case .trainingStarts: meter.start()
                case .trainingEnded: meter.stop()
                }
            })
        self.records = records
        hostReadings = readings
        raplUnreadable = meter.raplUnreadable
    }
}
