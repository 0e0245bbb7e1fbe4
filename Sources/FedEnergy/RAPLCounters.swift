import Foundation

/// The host's RAPL package energy counters as Linux exposes them under `/sys/class/powercap`: one
/// zone per package, `intel-rapl:N`, whose `energy_uj` counts microjoules and wraps to zero past
/// `max_energy_range_uj`. As CodeCarbon 3.3.0 does by default (`codecarbon/core/cpu.py`,
/// `IntelRAPL`), the package zones are summed; DRAM and the core and uncore subzones are left out,
/// and psys is used only where there is no package zone.
public struct RAPLCounters: Sendable {
    /// The powercap folder read (`/sys/class/powercap` on Linux).
    public let root: URL

    /// Counters under `root`.
    public init(root: URL = URL(fileURLWithPath: "/sys/class/powercap")) {
        self.root = root
    }

    /// One zone's counter at one instant.
    public struct Reading: Sendable, Hashable {
        /// The zone's folder name (`intel-rapl:0`).
        public var zone: String
        /// Its `name` file (`package-0`).
        public var name: String
        /// `energy_uj`.
        public var microjoules: Double
        /// `max_energy_range_uj`: the counter wraps to zero past it.
        public var rangeMicrojoules: Double
    }

    /// Every counted zone's reading, or why none can be had.
    public func read() -> Result<[Reading], RAPLUnreadable> {
        let zones: [String]
        do {
            zones = try FileManager.default.contentsOfDirectory(atPath: root.path)
                .filter { $0.hasPrefix("intel-rapl:") && $0.split(separator: ":").count == 2 }.sorted()
        } catch {
            return .failure(RAPLUnreadable("\(root.path) cannot be listed: the kernel exposes no RAPL counters here"))
        }
        var named: [(zone: String, name: String)] = []
        for zone in zones {
            guard let name = try? Self.text(root.appendingPathComponent(zone).appendingPathComponent("name")) else {
                return .failure(RAPLUnreadable("cannot read \(root.path)/\(zone)/name"))
            }
            named.append((zone, name))
        }
        let packages = named.filter { $0.name.lowercased().contains("package") }
        let counted = packages.isEmpty ? named.filter { $0.name.lowercased() == "psys" } : packages
        guard !counted.isEmpty else { return .failure(RAPLUnreadable("no RAPL package zone under \(root.path)")) }
        var readings: [Reading] = []
        for (zone, name) in counted {
            let folder = root.appendingPathComponent(zone)
            var values: [Double] = []
            for file in ["energy_uj", "max_energy_range_uj"] {
                guard let value = (try? Self.text(folder.appendingPathComponent(file))).flatMap(Double.init) else {
                    return .failure(RAPLUnreadable("cannot read \(folder.path)/\(file) (reading it usually needs root)"))
                }
                values.append(value)
            }
            readings.append(Reading(zone: zone, name: name, microjoules: values[0], rangeMicrojoules: values[1]))
        }
        return .success(readings)
    }

    /// Joules between two readings of the same zones, each counter's wrap-around undone (one wrap
    /// at most between readings, as CodeCarbon assumes).
    public static func joules(from start: [Reading], to end: [Reading]) -> Double {
        zip(start, end).reduce(0) { total, pair in
            let (before, after) = pair
            let delta = after.microjoules >= before.microjoules
                ? after.microjoules - before.microjoules : after.microjoules + before.rangeMicrojoules - before.microjoules
            return total + delta * 1e-6
        }
    }

    private static func text(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Why the host's RAPL counters could not be read, in words for the report.
public struct RAPLUnreadable: Error, Sendable, Hashable, Codable {
    /// What was missing or refused.
    public var reason: String

    /// Creates the error.
    public init(_ reason: String) {
        self.reason = reason
    }
}
