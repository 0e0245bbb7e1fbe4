/// The comparison's numbers as `report.json`.
struct ComparisonNumbers: Codable {
    var verdict: String
    /// The clients' device and link (absent for a fleet: see ``deviceClock``).
    var device: String?
    var link: String?
    var datacenter: String
    var grid: String
    /// The centralized compute under every CodeCarbon method, the RAPL measurement and the GPU model.
    var datacenterAccounting: DatacenterAccounting
    /// The federated compute on each power basis (`whole-board`, `marginal`).
    var federatedComputeByBasis: [String: Double]
    var federated: FederatedEnergy
    var centralizedSamePasses: CentralizedEnergy
    /// The target accuracy asked for (absent: the federated final accuracy).
    var targetAccuracy: Double?
    var centralizedToTarget: CentralizedEnergy?
    var breakEvenKilobitsPerJoule: Double?
    /// Both sides' totals under every link profile (absent for a fleet, whose timeline another link would change).
    var perLink: [String: [String: Double]]?
    /// Low and high wider-network joules for each side's bytes (absent without a range in the profiles).
    var widerNetworkJoules: [String: [Double]]?
    /// A device-clock run's own figures (absent without a fleet).
    var deviceClock: DeviceClockNumbers?
    /// The verdict's uncertainty (absent when no constant that feeds it has a range).
    var uncertainty: VerdictUncertainty?

    init(_ c: EnergyComparison) {
        verdict = c.verdict
        if case .alike(let device, let link) = c.clients {
            (self.device, self.link) = (device.name, link.name)
            perLink = Dictionary(uniqueKeysWithValues: c.perLink.map {
                ($0.link.name, ["federatedJoules": $0.federated.totalJoules, "centralizedJoules": $0.centralized.totalJoules])
            })
        }
        datacenter = c.datacenter.name
        grid = c.grid.name
        datacenterAccounting = c.datacenterAccounting
        federatedComputeByBasis = Dictionary(uniqueKeysWithValues: c.federatedComputeByBasis.map { ($0.basis.rawValue, $0.joules) })
        federated = c.federated
        centralizedSamePasses = c.centralizedSamePasses
        targetAccuracy = c.targetAccuracy
        centralizedToTarget = c.centralizedToTarget
        breakEvenKilobitsPerJoule = c.breakEvenBitsPerJoule.map { $0 / 1e3 }
        widerNetworkJoules = c.widerNetwork.map {
            ["federated": [$0.federated.lowerBound, $0.federated.upperBound], "centralized": [$0.centralized.lowerBound, $0.centralized.upperBound]]
        }
        uncertainty = c.uncertainty
        deviceClock = c.clients.deviceClock.map { DeviceClockNumbers($0, centralizedWallSeconds: c.artifacts.baseline.records.last?.elapsedSeconds) }
    }
}

/// A device-clock run's figures in `report.json`.
struct DeviceClockNumbers: Codable {
    /// One client class.
    struct ClassNumbers: Codable {
        var name: String
        var device: String
        var link: String
        var clients: Int
        var roundsSelected: Int
        /// Client rounds by fate (`aggregated`, `straggler`, `not needed`, `offline`, `not aggregated otherwise`).
        var fates: [String: Int]
        var computeJoules: Double
        var radioJoules: Double
        var wastedJoules: Double
    }

    var finalDeviceSeconds: Double
    var targetAccuracy: Double
    /// The first round attempt at the target (absent: never reached).
    var reached: DeviceClockFigures.Reached?
    var classes: [ClassNumbers]
    var idleRadioTailJoules: Double
    var wastedJoules: Double
    /// The wasted joules by fate.
    var wastedJoulesByFate: [String: Double]
    /// Wall seconds of the centralized baseline's epochs (its CPU-seconds are in `centralizedSamePasses`).
    var centralizedWallSeconds: Double?

    init(_ figures: DeviceClockFigures, centralizedWallSeconds: Double?) {
        finalDeviceSeconds = figures.finalDeviceSeconds
        targetAccuracy = figures.targetAccuracy
        reached = figures.reached
        classes = figures.classes.map {
            ClassNumbers(
                name: $0.name, device: $0.device.name, link: $0.link.name, clients: $0.clients, roundsSelected: $0.roundsSelected,
                fates: Dictionary(uniqueKeysWithValues: $0.fates.map { ($0.key.rawValue, $0.value) }), computeJoules: $0.computeJoules,
                radioJoules: $0.radioJoules, wastedJoules: $0.wastedJoules)
        }
        idleRadioTailJoules = figures.idleRadioTailJoules
        wastedJoules = figures.totalWastedJoules
        wastedJoulesByFate = Dictionary(uniqueKeysWithValues: figures.wastedJoules.map { ($0.key.rawValue, $0.value) })
        self.centralizedWallSeconds = centralizedWallSeconds
    }
}
