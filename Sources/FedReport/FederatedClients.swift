import FedEnergy

/// The devices and links behind a federated run, as its ledger records them.
public enum FederatedClients: Sendable {
    /// Every client the same device on the same link, on the host's time (no fleet): the report
    /// recomputes the radio per burst under every link profile.
    case alike(device: DeviceProfile, link: LinkProfile)
    /// A fleet on a device clock: each class its own device and link, and the energy the ledger
    /// charged on each radio's timeline.
    case fleet(DeviceClockFigures)

    /// The device-clock figures (nil without a fleet).
    public var deviceClock: DeviceClockFigures? {
        guard case .fleet(let figures) = self else { return nil }
        return figures
    }

    /// Every device profile the clients modelled, each once.
    public var devices: [DeviceProfile] {
        switch self {
        case .alike(let device, _): return [device]
        case .fleet(let figures): return figures.classes.map(\.device).firstOfEach
        }
    }

    /// Every link profile the clients used, each once.
    public var links: [LinkProfile] {
        switch self {
        case .alike(_, let link): return [link]
        case .fleet(let figures): return figures.classes.map(\.link).firstOfEach
        }
    }

    /// `on wifi with rpi4 devices`, or `on a fleet's own devices and links (phone-lte: smartphone on lte; ...)`.
    var verdictPhrase: String {
        switch self {
        case .alike(let device, let link): return "on \(link.name) with \(device.name) devices"
        case .fleet(let figures):
            return "on a fleet's own devices and links ("
                + figures.classes.map { "\($0.name): \($0.device.name) on \($0.link.name)" }.joined(separator: "; ") + ")"
        }
    }

    /// `devices rpi4, link wifi`, or `fleet classes phone-lte (4 smartphone on lte), ..., on a device clock`.
    var jobPhrase: String {
        switch self {
        case .alike(let device, let link): return "devices \(device.name), link \(link.name)"
        case .fleet(let figures):
            return "fleet classes " + figures.classes.map { "\($0.name) (\($0.clients) \($0.device.name) on \($0.link.name))" }
                .joined(separator: ", ") + ", on a device clock"
        }
    }

    /// `link wifi`, or `the fleet's links`.
    var linkPhrase: String {
        switch self {
        case .alike(_, let link): return "link \(link.name)"
        case .fleet: return "the fleet's links"
        }
    }

    /// The federated line's name in the charts' legends.
    var seriesName: String {
        switch self {
        case .alike(let device, let link): return "federated (\(link.name), \(device.name))"
        case .fleet: return "federated (fleet, device clock)"
        }
    }
}

extension Array where Element: Equatable {
    /// The elements in order, each kept where it first stands.
    var firstOfEach: [Element] { reduce(into: []) { kept, element in if !kept.contains(element) { kept.append(element) } } }
}
