import ArgumentParser

/// `--metrics-port`, `--metrics-host` and `--metrics-linger`: the coordinator's Prometheus endpoint.
public struct MetricsOptions: ParsableArguments {
    @Option(
        name: .customLong("metrics-port"),
        help: "Serve Prometheus metrics at http://HOST:PORT/metrics (0 picks a free port and prints it).")
    public var metricsPort: Int?

    @Option(name: .customLong("metrics-host"), help: "Address the metrics endpoint listens on, with --metrics-port.")
    public var metricsHost: String = "127.0.0.1"

    @Option(
        name: .customLong("metrics-linger"),
        help: "Seconds the metrics endpoint stays up after the job ends, so a scraper collects the final values.")
    public var metricsLinger: Double = 0

    public init() {}

    public func validate() throws {
        if let metricsPort, !(0...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be in 0...65535") }
        guard metricsLinger >= 0, metricsLinger.isFinite else { throw ValidationError("--metrics-linger must be 0 or more seconds") }
        guard metricsLinger == 0 || metricsPort != nil else { throw ValidationError("--metrics-linger needs --metrics-port") }
    }

    /// These options as a coordinator process takes them (none without --metrics-port).
    public var coordinatorArguments: [String] {
        guard let metricsPort else { return [] }
        return ["--metrics-port", "\(metricsPort)", "--metrics-host", metricsHost, "--metrics-linger", "\(metricsLinger)"]
    }
}
