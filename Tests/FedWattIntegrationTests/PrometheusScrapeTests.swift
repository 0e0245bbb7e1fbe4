import FedLedger
import Foundation
import Testing

/// A real Prometheus server (Debian's `prometheus`) scrapes a coordinator's `/metrics` during a
/// short job, and what it stored agrees with the ledger; `promtool check metrics` accepts the
/// exposition.
@Suite(.serialized, .timeLimit(.minutes(2))) struct PrometheusScrapeTests {
    static let prometheus = URL(fileURLWithPath: "/usr/bin/prometheus")
    static let promtool = URL(fileURLWithPath: "/usr/bin/promtool")

    @Test func prometheusStoresTheCountersTheLedgerHas() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.prometheus.path) else {
            Issue.record("prometheus is not installed: scripts/install-deps.sh installs Debian's package")
            return
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-prometheus-\(UUID())")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let (port, metricsPort, prometheusPort) = (try freePort(), try freePort(), try freePort())
        let configuration = out.appendingPathComponent("prometheus.yml")
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: fedwatt
                static_configs:
                  - targets: ['127.0.0.1:\(metricsPort)']
            """.write(to: configuration, atomically: true, encoding: .utf8)
        let server = try BuiltExecutables.start(
            executable: Self.prometheus,
            ["--config.file=\(configuration.path)", "--storage.tsdb.path=\(out.appendingPathComponent("tsdb").path)",
             "--web.listen-address=127.0.0.1:\(prometheusPort)"],
            log: out.appendingPathComponent("prometheus.log"))
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        // Prometheus hands its scrape loop the targets a few seconds after starting: wait until it has
        // tried the endpoint once (refused: nothing listens yet), so it scrapes the whole job.
        var scraping = false
        for _ in 0..<300 where !scraping {
            let targets = try? await httpExchange(port: prometheusPort, "GET /api/v1/targets HTTP/1.0\r\n\r\n")
            scraping = targets?.contains("\"health\":\"down\"") == true
            if !scraping { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(scraping, "Prometheus never tried the metrics endpoint")
        let coordinator = try BuiltExecutables.start(
            "fedwatt-coordinator",
            ["--port", "\(port)", "--min-clients", "2", "--rounds", "3", "--dataset", "synthetic:features=32,classes=5,train=600,test=200",
             "--hidden", "16", "--out", out.path, "--metrics-port", "\(metricsPort)", "--metrics-linger", "3"],
            log: out.appendingPathComponent("coordinator.log"))
        let clients = try (0..<2).map { id in
            try BuiltExecutables.start(
                "fedwatt-client", ["--coordinator", "127.0.0.1:\(port)", "--id", "\(id)", "--give-up-after", "30"],
                log: out.appendingPathComponent("client\(id).log"))
        }
        // The job is done once its summary is written; the endpoint lingers with the final values.
        let summary = out.appendingPathComponent("summary.json")
        for _ in 0..<6000 where !FileManager.default.fileExists(atPath: summary.path) { try await Task.sleep(for: .milliseconds(10)) }
        let exposition = try await httpExchange(port: metricsPort, "GET /metrics HTTP/1.0\r\n\r\n")
        let body = String(exposition[(exposition.range(of: "\r\n\r\n")?.upperBound ?? exposition.startIndex)...])
        let check = try BuiltExecutables.start(executable: Self.promtool, ["check", "metrics"], log: out.appendingPathComponent("promtool.log"), stdin: body)
        #expect(await BuiltExecutables.waitForExit([coordinator, check] + clients, seconds: 60))
        #expect(check.terminationStatus == 0, "\((try? String(contentsOf: out.appendingPathComponent("promtool.log"), encoding: .utf8)) ?? "")")
        #expect(coordinator.terminationStatus == 0)

        let records = try BuiltExecutables.ledger(out)
        #expect(records.count == 3)
        // The largest value each series took: the coordinator is gone, so its latest sample is stale.
        let log = (try? String(contentsOf: out.appendingPathComponent("prometheus.log"), encoding: .utf8)) ?? ""
        #expect(try await stored("fedwatt_rounds_completed_total", port: prometheusPort) == 3, "\(log.suffix(3000))")
        #expect(try await stored("fedwatt_uplink_bytes_total", port: prometheusPort) == Double(records.last!.cumulativeUplinkBytes))
        #expect(try await stored("fedwatt_downlink_bytes_total", port: prometheusPort) == Double(records.last!.cumulativeDownlinkBytes))
    }

    /// The largest value Prometheus stored for `metric` in the last ten minutes (nil if none).
    func stored(_ metric: String, port: Int) async throws -> Double? {
        let query = "max_over_time(\(metric)[10m])".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let answer = try await httpExchange(port: port, "GET /api/v1/query?query=\(query) HTTP/1.0\r\n\r\n")
        guard let start = answer.range(of: "\r\n\r\n")?.upperBound,
            let json = try JSONSerialization.jsonObject(with: Data(answer[start...].utf8)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = (data["result"] as? [[String: Any]])?.first,
            let value = result["value"] as? [Any], let text = value.last as? String
        else { return nil }
        return Double(text)
    }
}
