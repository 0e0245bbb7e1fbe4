import FedData

/// When a client is online, in device time.
///
/// JSON: `{"kind": "always"}`, `{"kind": "probability", "probability": 0.7}`, or
/// `{"kind": "diurnal", "onlineHours": 8, "dayHours": 24}`.
public enum Availability: Sendable, Hashable, Codable {
    /// Online throughout.
    case always
    /// Online in each round with this probability, drawn from the seed, the client and the round.
    case probability(Double)
    /// Online for `onlineHours` of every `dayHours`-hour device day, the window's phase drawn per
    /// client from the seed.
    case diurnal(onlineHours: Double, dayHours: Double)

    private enum CodingKeys: String, CodingKey { case kind, probability, onlineHours, dayHours }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "always": self = .always
        case "probability": self = .probability(try container.decode(Double.self, forKey: .probability))
        case "diurnal":
            self = .diurnal(
                onlineHours: try container.decode(Double.self, forKey: .onlineHours),
                dayHours: try container.decodeIfPresent(Double.self, forKey: .dayHours) ?? 24)
        case let kind:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "availability \"\(kind)\" is not always, probability or diurnal")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .always: try container.encode("always", forKey: .kind)
        case .probability(let probability):
            try container.encode("probability", forKey: .kind)
            try container.encode(probability, forKey: .probability)
        case .diurnal(let online, let day):
            try container.encode("diurnal", forKey: .kind)
            try container.encode(online, forKey: .onlineHours)
            try container.encode(day, forKey: .dayHours)
        }
    }

    /// Throws, naming `owner`, if a parameter is out of range.
    func validate(owner: String) throws {
        switch self {
        case .always: break
        case .probability(let probability):
            guard probability > 0, probability <= 1 else {
                throw FleetError.invalid("\(owner): availability probability \(probability) is not in (0, 1]")
            }
        case .diurnal(let online, let day):
            guard day > 0, online > 0, online <= day else {
                throw FleetError.invalid("\(owner): diurnal availability needs 0 < onlineHours <= dayHours, got \(online) of \(day)")
            }
        }
    }
}
