import CoreMetrics
import FedLedger
import FedWire

/// The coordinator's live figures as metrics, through swift-metrics: whatever factory it is given
/// (``MetricsEndpoint`` serves a Prometheus registry's). Names follow Prometheus' conventions: the
/// unit as a suffix, `_total` on counters.
///
/// The shell of the coordinator calls it as things happen; it keeps no state of its own beyond the
/// metric handles.
public struct CoordinatorMetrics: Sendable {
    private let factory: any MetricsFactory
    private let round: Gauge
    private let attempt: Gauge
    private let accuracy: Gauge
    private let loss: Gauge
    private let connected: Gauge
    private let registered: Gauge
    private let ready: Gauge
    private let roundsCompleted: Counter
    private let attemptsFailed: Counter
    private let updatesAccepted: Counter
    private let uplinkBytes: Counter
    private let downlinkBytes: Counter
    private let emissions: FloatingPointCounter
    private let inboundBufferBytes: Gauge

    /// Each metric's `# HELP` text, by name: the list the README gives.
    public static let help: [String: String] = [
        "fedwatt_round": "The round now open or last opened (from 1).",
        "fedwatt_round_attempt": "The attempt at that round (from 1).",
        "fedwatt_test_accuracy_ratio": "Test accuracy of the global model after the last completed round.",
        "fedwatt_test_loss": "Mean test cross-entropy of the global model after the last completed round.",
        "fedwatt_clients_connected": "Open client connections.",
        "fedwatt_clients_registered": "Clients registered.",
        "fedwatt_clients_ready": "Registered clients ready for rounds.",
        "fedwatt_rounds_completed_total": "Rounds completed.",
        "fedwatt_round_attempts_failed_total": "Round attempts that failed (too few updates) and were retried.",
        "fedwatt_updates_accepted_total": "Updates aggregated.",
        "fedwatt_updates_refused_total": "Inputs refused with an Error frame, by reason.",
        "fedwatt_clients_dropped_total": "Selected clients whose update is not in their round, by reason.",
        "fedwatt_uplink_bytes_total": "Bytes the coordinator's sockets read in rounds (the ledger's uplink).",
        "fedwatt_downlink_bytes_total": "Bytes the coordinator's sockets wrote in rounds (the ledger's downlink).",
        "fedwatt_energy_joules_total": "Energy accounted to the devices, by kind (wasted: spent on updates not aggregated, also in compute, codec and radio).",
        "fedwatt_emissions_grams_total": "Emissions of that energy on the job's grid, in grams CO2e.",
        "fedwatt_inbound_buffer_bytes": "Bytes of received frames the inbound budget holds.",
        "fedwatt_round_duration_seconds": "Round attempt durations, on the host's clock and on the device clock.",
    ]

    /// The name of the round-duration histogram, whose buckets the endpoint sets.
    public static let roundDurationName = "fedwatt_round_duration_seconds"
    /// Its buckets, in seconds: from a fast loopback round to a slow device round.
    public static let roundDurationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

    /// The coordinator's metrics, made with `factory`.
    public init(factory: any MetricsFactory) {
        self.factory = factory
        round = Gauge(label: "fedwatt_round", factory: factory)
        attempt = Gauge(label: "fedwatt_round_attempt", factory: factory)
        accuracy = Gauge(label: "fedwatt_test_accuracy_ratio", factory: factory)
        loss = Gauge(label: "fedwatt_test_loss", factory: factory)
        connected = Gauge(label: "fedwatt_clients_connected", factory: factory)
        registered = Gauge(label: "fedwatt_clients_registered", factory: factory)
        ready = Gauge(label: "fedwatt_clients_ready", factory: factory)
        roundsCompleted = Counter(label: "fedwatt_rounds_completed_total", factory: factory)
        attemptsFailed = Counter(label: "fedwatt_round_attempts_failed_total", factory: factory)
        updatesAccepted = Counter(label: "fedwatt_updates_accepted_total", factory: factory)
        uplinkBytes = Counter(label: "fedwatt_uplink_bytes_total", factory: factory)
        downlinkBytes = Counter(label: "fedwatt_downlink_bytes_total", factory: factory)
        emissions = FloatingPointCounter(label: "fedwatt_emissions_grams_total", factory: factory)
        inboundBufferBytes = Gauge(label: "fedwatt_inbound_buffer_bytes", factory: factory)
        // Present from the first scrape, before any round.
        for kind in EnergyKind.allCases { energy(kind).increment(by: 0) }
    }

    /// What the joules counter splits energy into.
    enum EnergyKind: String, CaseIterable {
        case compute, codec, radio, wasted
    }

    private func energy(_ kind: EnergyKind) -> FloatingPointCounter {
        FloatingPointCounter(label: "fedwatt_energy_joules_total", dimensions: [("kind", kind.rawValue)], factory: factory)
    }

    /// A round attempt opened.
    public func roundOpened(round: Int, attempt: Int) {
        self.round.record(round)
        self.attempt.record(attempt)
    }

    /// The connections open, and the clients registered and ready among them.
    public func clients(connected: Int, registered: Int, ready: Int) {
        self.connected.record(connected)
        self.registered.record(registered)
        self.ready.record(ready)
    }

    /// A connection's input was refused with `code`.
    public func refused(_ code: ErrorCode) {
        Counter(label: "fedwatt_updates_refused_total", dimensions: [("reason", code.description)], factory: factory).increment()
    }

    /// The bytes the inbound budget holds now.
    public func inboundBuffer(bytes: Int) {
        inboundBufferBytes.record(bytes)
    }

    /// A round attempt was recorded in the ledger: its outcome, accuracy, bytes, energy, drops and
    /// durations (host, and device with a fleet).
    public func recorded(_ record: RoundRecord) {
        switch record.status {
        case .completed:
            roundsCompleted.increment()
            if let testAccuracy = record.testAccuracy { accuracy.record(testAccuracy) }
            if let testLoss = record.testLoss { loss.record(testLoss) }
        case .failed:
            attemptsFailed.increment()
        }
        updatesAccepted.increment(by: record.completed.count)
        uplinkBytes.increment(by: record.clients.reduce(0) { $0 + $1.bytesRead })
        downlinkBytes.increment(by: record.clients.reduce(0) { $0 + $1.bytesWritten })
        for dropped in record.dropped {
            Counter(label: "fedwatt_clients_dropped_total", dimensions: [("reason", dropped.reason.kind)], factory: factory).increment()
        }
        let droppedClients = Set(record.dropped.map(\.client))
        energy(.compute).increment(by: record.energy.computeJoules)
        energy(.codec).increment(by: record.energy.codecJoules ?? 0)
        energy(.radio).increment(by: record.energy.communicationJoules)
        energy(.wasted).increment(by: record.clients.filter { droppedClients.contains($0.client) }.reduce(0.0) { $0 + $1.energy.totalJoules })
        emissions.increment(by: record.energy.gramsCO2e)
        duration(.host).record(record.wallSeconds)
        if let device = record.device { duration(.device).record(device.interval.end - device.interval.start) }
    }

    /// Which clock a round's duration is on.
    enum DurationClock: String {
        case host, device
    }

    private func duration(_ clock: DurationClock) -> Recorder {
        Recorder(label: Self.roundDurationName, dimensions: [("clock", clock.rawValue)], factory: factory)
    }
}
