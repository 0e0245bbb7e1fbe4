/// What the host meter saw over the spans it measured, cumulative.
public struct HostReading: Sendable, Hashable, Codable {
    /// The whole machine's CPU utilisation over the spans, 0 to 1 (nil: `/proc/stat` unreadable).
    public var machineLoad: Double?
    /// Package joules the RAPL counters measured over the spans (nil: not readable here).
    public var packageJoules: Double?

    /// Creates a reading.
    public init(machineLoad: Double?, packageJoules: Double?) {
        self.machineLoad = machineLoad
        self.packageJoules = packageJoules
    }
}

/// Measures the host over the spans it is started and stopped around (the baseline's training,
/// not its evaluation): the machine's CPU load, for CodeCarbon's machine mode, and the RAPL
/// package energy where the counters are readable.
public struct HostEnergyMeter: Sendable {
    private let rapl: RAPLCounters
    private var spanStart: (times: MachineCPUTimes?, rapl: [RAPLCounters.Reading]?)?
    private var busyTicks = 0.0
    private var totalTicks = 0.0
    private var machineReadable = true
    private var packageJoules = 0.0
    /// Why RAPL energy is not measured (nil: every span was).
    public private(set) var raplUnreadable: RAPLUnreadable?

    /// A meter over `rapl`'s counters.
    public init(rapl: RAPLCounters = RAPLCounters()) {
        self.rapl = rapl
    }

    /// Starts a span.
    public mutating func start() {
        spanStart = (MachineCPUTimes.now(), raplReading())
    }

    /// Ends the span started last and adds it to the totals.
    public mutating func stop() {
        guard let begun = spanStart else { return }
        spanStart = nil
        if let before = begun.times, let after = MachineCPUTimes.now() {
            busyTicks += after.busy - before.busy
            totalTicks += after.total - before.total
        } else {
            machineReadable = false
        }
        if let before = begun.rapl, let after = raplReading() {
            packageJoules += RAPLCounters.joules(from: before, to: after)
        }
    }

    /// The totals over every span so far.
    public var reading: HostReading {
        HostReading(
            machineLoad: machineReadable && totalTicks > 0 ? busyTicks / totalTicks : nil,
            packageJoules: raplUnreadable == nil ? packageJoules : nil)
    }

    private mutating func raplReading() -> [RAPLCounters.Reading]? {
        guard raplUnreadable == nil else { return nil }
        switch rapl.read() {
        case .success(let readings): return readings
        case .failure(let unreadable):
            raplUnreadable = unreadable
            return nil
        }
    }
}
