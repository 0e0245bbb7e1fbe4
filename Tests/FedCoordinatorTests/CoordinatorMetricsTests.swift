import FedCoordinator
import FedLedger
import FedMetrics
import Prometheus
import Testing

/// The metrics follow the ledger: each record a machine commits moves the counters by exactly its
/// figures.
@Suite struct CoordinatorMetricsTests {
    @Test func theCountersAddUpToTheLedger() throws {
        var driver = try MachineDriver(clients: 3, rounds: 2)
        for client in 0..<3 { try driver.join(client) }
        try driver.answer(0, moving: 0.1)
        try driver.answer(1, moving: 0.1)
        try driver.passDeadline()  // client 2 times out in round 1
        for client in 0..<3 { try driver.answer(client, moving: 0.1) }
        let registry = PrometheusCollectorRegistry()
        let metrics = CoordinatorMetrics(factory: CoordinatorMetrics.factory(registry: registry))
        for record in driver.records { metrics.recorded(record) }
        metrics.refused(.wrongShape)
        let values = exposition(registry.emitToString())
        let records = driver.records
        #expect(values["fedwatt_rounds_completed_total"] == 2)
        #expect(values["fedwatt_updates_accepted_total"] == Double(records.reduce(0) { $0 + $1.completed.count }))
        #expect(records.map(\.completed.count) == [2, 2], "client 2's first answer was for round 1, which had closed")
        #expect(values["fedwatt_clients_dropped_total{reason=\"timeout\"}"] == 1)
        #expect(values["fedwatt_updates_refused_total{reason=\"wrong shape\"}"] == 1)
        #expect(values["fedwatt_uplink_bytes_total"] == Double(records.last!.cumulativeUplinkBytes))
        #expect(values["fedwatt_downlink_bytes_total"] == Double(records.last!.cumulativeDownlinkBytes))
        #expect(values["fedwatt_test_accuracy_ratio"] == records.last!.testAccuracy)
        let compute = records.reduce(0.0) { $0 + $1.energy.computeJoules }
        #expect(abs(values["fedwatt_energy_joules_total{kind=\"compute\"}"]! - compute) < 1e-9)
        #expect(values["fedwatt_round_duration_seconds_count{clock=\"host\"}"] == 2)
    }

    /// Each sample line of a text exposition, by its name and labels.
    func exposition(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        return values
    }
}
