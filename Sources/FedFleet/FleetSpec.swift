import Foundation

/// A fleet as its file describes it (`--fleet FILE`): classes of clients, each a device on a link,
/// with its share of the fleet or its count, how its clients' speeds spread around the device's
/// figure, and when they are online. docs/FLEETS.md gives the schema; ``Fleet`` resolves it.
public struct FleetSpec: Sendable, Hashable, Codable {
    /// One class of clients.
    public struct ClientClass: Sendable, Hashable, Codable {
        /// The class's name, for the ledger and report.
        public var name: String
        /// The device profile its clients model.
        public var device: String
        /// The link profile its clients model.
        public var link: String
        /// The fraction of the fleet in this class (give it, or `count`, in every class).
        public var share: Double?
        /// The number of clients in this class.
        public var count: Int?
        /// The standard deviation of the log of each client's speed factor: a client computes at
        /// the device's sustained FLOP/s times exp(N(0, spread²)), drawn once from the seed (0 or
        /// nil: every client at the device's figure).
        public var speedSpread: Double?
        /// When its clients are online (nil: always).
        public var availability: Availability?

        /// Describes a class.
        public init(
            name: String, device: String, link: String, share: Double? = nil, count: Int? = nil, speedSpread: Double? = nil,
            availability: Availability? = nil
        ) {
            self.name = name
            self.device = device
            self.link = link
            self.share = share
            self.count = count
            self.speedSpread = speedSpread
            self.availability = availability
        }
    }

    /// The fleet's name.
    public var name: String
    /// What the fleet stands for, for people.
    public var description: String?
    /// Its classes.
    public var classes: [ClientClass]

    /// Describes a fleet.
    public init(name: String, description: String? = nil, classes: [ClientClass]) {
        self.name = name
        self.description = description
        self.classes = classes
    }

    /// The one-class fleet of `--device` and `--link`: every client alike, always online.
    public static func uniform(device: String, link: String) -> FleetSpec {
        FleetSpec(name: "\(device) on \(link)", classes: [ClientClass(name: "\(device)-\(link)", device: device, link: link, share: 1)])
    }

    /// The fleets FedWatt ships, by name.
    public static let shippedNames = ["rpi4-wifi", "phones-lte-wifi", "mixed"]

    /// The fleet in `nameOrPath`: a file if one is there, else a shipped fleet of that name.
    /// Throws, naming the file and the field, if it is not a fleet.
    public static func load(_ nameOrPath: String) throws -> FleetSpec {
        let url: URL
        if FileManager.default.fileExists(atPath: nameOrPath) {
            url = URL(fileURLWithPath: nameOrPath)
        } else if shippedNames.contains(nameOrPath),
            let shipped = Bundle.module.url(forResource: nameOrPath, withExtension: "json", subdirectory: "fleets")
        {
            url = shipped
        } else {
            throw FleetError.notFound(nameOrPath)
        }
        do {
            return try JSONDecoder().decode(FleetSpec.self, from: Data(contentsOf: url))
        } catch let error as DecodingError {
            throw FleetError.invalidFile(path: url.path, reason: "\(error)")
        }
    }
}
