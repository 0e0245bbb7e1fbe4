import FedEnergy

/// The centralized side's compute over the federated run's sample passes, every way FedWatt can
/// count it: CodeCarbon's CPU methods on the measured host work (the verdict uses `chosen`), the
/// host package energy RAPL measured where it is readable, and the datacenter GPU model.
public struct DatacenterAccounting: Sendable, Codable, Hashable {
    /// One CPU method's joules (nil: the work it needs was not recorded).
    public struct Method: Sendable, Codable, Hashable {
        public var method: CPUPowerMethod
        public var joules: Double?
    }

    /// One GPU model's joules.
    public struct GPU: Sendable, Codable, Hashable {
        public var name: String
        public var seconds: Double
        public var joules: Double
    }

    /// The CPU method the verdict uses.
    public var chosen: CPUPowerMethod
    /// The host work the methods were applied to.
    public var work: HostWork
    /// Every CPU method, × PUE.
    public var methods: [Method]
    /// The host package energy RAPL measured over the training (nil: not readable here).
    public var measuredPackageJoules: Double?
    /// Why RAPL was not read (nil: it was).
    public var raplUnreadable: RAPLUnreadable?
    /// Every GPU profile's model of the same FLOPs, × PUE.
    public var gpus: [GPU]

    /// The baseline's first `epochs` epochs in `datacenter`.
    init(baseline: BaselineRecord, epochs: Int, datacenter: DatacenterProfile, gpus: [DatacenterGPU], chosen: CPUPowerMethod) {
        self.chosen = chosen
        work = baseline.hostWork(epochs: epochs)
        let work = work
        methods = CPUPowerMethod.allCases.map { Method(method: $0, joules: datacenter.joules(work, method: $0)) }
        raplUnreadable = baseline.raplUnreadable
        measuredPackageJoules = baseline.raplUnreadable == nil ? baseline.hostReadings?[epochs - 1].packageJoules : nil
        let flops = baseline.records[epochs - 1].flops
        self.gpus = gpus.map { GPU(name: $0.name, seconds: $0.seconds(flops: flops), joules: $0.joules(flops: flops, in: datacenter)) }
    }
}
