import Foundation

/// The whole machine's CPU time from the first line of `/proc/stat`, for the machine load that
/// CodeCarbon's machine-mode cpu_load reads through psutil (`cpu_percent`): busy time over all
/// time, where busy is all but idle and iowait, and guest time is already inside user time.
public struct MachineCPUTimes: Sendable, Hashable {
    /// Ticks spent busy.
    public var busy: Double
    /// Ticks in all states.
    public var total: Double

    /// Parses the aggregate `cpu` line of `/proc/stat` (`cpu user nice system idle iowait irq
    /// softirq steal guest guest_nice`); nil when the text has no such line.
    public init?(procStat text: String) {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
        guard ticks.count >= 4 else { return nil }
        total = ticks.reduce(0, +)
        busy = total - ticks[3] - (ticks.count > 4 ? ticks[4] : 0)
    }

    /// This machine's CPU times now; nil where `/proc/stat` cannot be read (not Linux).
    public static func now() -> MachineCPUTimes? {
        (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)).flatMap(MachineCPUTimes.init(procStat:))
    }
}
