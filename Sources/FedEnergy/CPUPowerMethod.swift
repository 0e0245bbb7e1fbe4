import Foundation

/// How the centralized baseline's host CPU energy is estimated without a power meter: CodeCarbon's
/// rules as CodeCarbon 3.3.0 implements them (`codecarbon/external/hardware.py`,
/// `CPU._get_power_from_cpus` and `CPU._get_power_from_cpu_load`, and the fallback order of
/// `codecarbon/core/resource_tracker.py`; mlco2/codecarbon at commit b05965e4, `_version.py` 3.3.0).
///
/// CodeCarbon measures over intervals (`measure_power_secs`, 15 s by default); a FedWatt baseline
/// trains for less than that, so one interval spans the whole training, as CodeCarbon's own
/// measurement at `stop()` does for a run that short.
public enum CPUPowerMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Constant mode (CodeCarbon uses it only when psutil is missing): TDP × 50 %
    /// (`CONSUMPTION_PERCENTAGE_CONSTANT`) for the whole machine, over the training's wall time.
    case constant
    /// cpu_load mode with `tracking_mode="process"`: TDP × the process's CPU time over wall time ÷
    /// the host's logical cores, for the wall time; over the run, TDP × CPU-seconds ÷ cores.
    case processShare = "process-share"
    /// cpu_load mode with `tracking_mode="machine"` (CodeCarbon 3.3's fallback without RAPL):
    /// TDP × (0.1 + 0.9 × load³) over wall time, where load is the whole machine's CPU utilisation.
    case machineLoad = "machine-load"

    /// The method the verdict uses unless told otherwise: the process share. It is CodeCarbon's rule
    /// for charging one process rather than a machine, which is what the comparison needs (the
    /// baseline's own work, not the host's other tenants): it rests on the training thread's
    /// CPU-seconds, while wall time and machine load also count whatever else the host runs.
    public static let `default` = processShare

    /// CodeCarbon's constant mode fraction of TDP (`CONSUMPTION_PERCENTAGE_CONSTANT = 0.5`).
    static let constantFraction = 0.5

    /// CodeCarbon's machine-mode load factor: a 10 % floor plus 90 % of the cubed load.
    static func machineLoadFactor(_ load: Double) -> Double { 0.1 + 0.9 * pow(load, 3) }
}

/// What the centralized baseline's host did while it trained, as the CPU methods need it.
public struct HostWork: Sendable, Hashable, Codable {
    /// CPU-seconds of the training thread.
    public var cpuSeconds: Double
    /// Wall-clock seconds of the training, evaluation excluded (nil: not recorded).
    public var wallSeconds: Double?
    /// Logical cores of the host (CodeCarbon's `count_cpus()`).
    public var hostCores: Int
    /// The whole machine's CPU utilisation over the training, 0 to 1 (nil: not measured).
    public var machineLoad: Double?

    /// Creates a record of host work.
    public init(cpuSeconds: Double, wallSeconds: Double?, hostCores: Int, machineLoad: Double?) {
        self.cpuSeconds = cpuSeconds
        self.wallSeconds = wallSeconds
        self.hostCores = hostCores
        self.machineLoad = machineLoad
    }
}

extension DatacenterProfile {
    /// Watt-seconds the host CPU drew for `work` under `method`, before the PUE; nil when the
    /// method needs a wall time or a machine load that was not recorded.
    public func cpuJoules(_ work: HostWork, method: CPUPowerMethod) -> Double? {
        let tdp = cpuTDPWatts.value
        switch method {
        case .constant:
            return work.wallSeconds.map { tdp * CPUPowerMethod.constantFraction * $0 }
        case .processShare:
            return tdp * work.cpuSeconds / Double(max(work.hostCores, 1))
        case .machineLoad:
            guard let load = work.machineLoad, let wall = work.wallSeconds else { return nil }
            return tdp * CPUPowerMethod.machineLoadFactor(load) * wall
        }
    }

    /// Joules of `work` in this datacenter under `method`: the CPU's joules × the PUE (nil as for
    /// `cpuJoules`).
    public func joules(_ work: HostWork, method: CPUPowerMethod) -> Double? {
        cpuJoules(work, method: method).map { $0 * pue.value }
    }
}
