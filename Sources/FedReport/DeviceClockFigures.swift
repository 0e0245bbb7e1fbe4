import FedEnergy
import FedLedger

/// What the report adds for a run on a device clock (`--fleet`): device time to the final round and
/// to the target accuracy, the energy to that target, accuracy against device time, the client
/// classes, and the energy of updates that were not aggregated. Every figure is the ledger's own.
public struct DeviceClockFigures: Sendable {
    /// The first round attempt whose test accuracy reached the target.
    public struct Reached: Sendable, Hashable, Codable {
        /// Its round and attempt.
        public var round: Int
        public var attempt: Int
        /// Its test accuracy.
        public var accuracy: Double
        /// Device seconds from the job's start to that round's close.
        public var deviceSeconds: Double
        /// The ledger's cumulative device energy at that round's close. Radio tails still running then
        /// are charged to the rounds they run into, so they are not in it.
        public var joules: Double
    }

    /// Device seconds from the job's start to the close of its last round attempt.
    public var finalDeviceSeconds: Double
    /// The accuracy the time and energy to target are measured against.
    public var targetAccuracy: Double
    /// Where the run first reached it (nil: never).
    public var reached: Reached?
    /// Each round attempt's close in device seconds, with the test accuracy after it.
    public var accuracyOverTime: [(deviceSeconds: Double, accuracy: Double)]
    /// The client classes, in the order the ledger first names them.
    public var classes: [ClientClassTotals]
    /// Radio tails of clients outside a round, running into it: in the rounds' totals, and in no
    /// client's line (so in no class's).
    public var idleRadioTailJoules: Double

    /// The figures of `records`, every one of which ran on the device clock, with each class's
    /// profiles from `profiles`. Throws, naming the round or client, if a record has no device time
    /// or a client line no class.
    public init(records: [RoundRecord], profiles: EnergyProfiles, targetAccuracy: Double) throws {
        let rounds = try records.map { record in
            guard let device = record.device else {
                throw ReportError.inconsistent("round \(record.round) (attempt \(record.attempt)) has no device time, and other rounds do")
            }
            return (record, device)
        }
        guard let last = rounds.last else { throw ReportError.inconsistent("the ledger has no rounds") }
        finalDeviceSeconds = last.1.interval.end
        self.targetAccuracy = targetAccuracy
        reached = rounds.lazy.compactMap { record, device in
            record.testAccuracy.flatMap { accuracy in
                accuracy >= targetAccuracy
                    ? Reached(
                        round: record.round, attempt: record.attempt, accuracy: accuracy, deviceSeconds: device.interval.end,
                        joules: record.energy.cumulativeJoules)
                    : nil
            }
        }.first
        accuracyOverTime = rounds.compactMap { record, device in record.testAccuracy.map { (device.interval.end, $0) } }
        classes = try ClientClassTotals.classes(in: records, profiles: profiles)
        idleRadioTailJoules = rounds.reduce(0) { $0 + $1.1.idleRadioTailJoules }
    }

    /// Joules spent by client rounds whose update was not aggregated, by what became of it (every
    /// fate but ``ClientFate/aggregated``, those with none left out).
    public var wastedJoules: [ClientFate: Double] {
        classes.reduce(into: [:]) { wasted, totals in
            for (fate, joules) in totals.joulesByFate where fate != .aggregated { wasted[fate, default: 0] += joules }
        }
    }

    /// Joules spent by client rounds whose update was not aggregated, whatever the reason.
    public var totalWastedJoules: Double { classes.reduce(0) { $0 + $1.wastedJoules } }
}
