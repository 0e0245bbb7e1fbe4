/// How a dataset is split across clients, written as a short string that travels in the job config:
/// `iid`, `dirichlet:ALPHA`, `shards:K` or `quantity:ALPHA`.
///
/// Every client applies the same spec, seed and client count to its own copy of the dataset and
/// keeps only its own part (``Partitioner``), so training data never crosses the wire.
public enum PartitionSpec: Sendable, Hashable, LosslessStringConvertible {
    /// Uniformly random, near-equal shards.
    case iid
    /// Label skew: each class is spread over clients in Dirichlet(alpha) proportions (small alpha: few classes per client).
    case dirichlet(alpha: Double)
    /// Pathological label skew (McMahan et al. 2017): samples sorted by label, cut into `perClient` shards per client.
    case shards(perClient: Int)
    /// Quantity skew: shard sizes in Dirichlet(alpha) proportions, labels uniform.
    case quantity(alpha: Double)

    /// Parses a spec string; returns nil for anything malformed (see ``init(parsing:)`` for the reason).
    public init?(_ description: String) {
        guard let spec = try? PartitionSpec(parsing: description) else { return nil }
        self = spec
    }

    /// Parses a spec string, throwing an error that says what to type instead.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0].lowercased()
        let argument = parts.count > 1 ? parts[1] : nil
        func positiveReal() throws -> Double {
            guard let argument, let value = Double(argument), value.isFinite, value > 0 else {
                throw PartitionError.invalidSpec(text, "\(name) needs a positive number, e.g. \(name):0.5")
            }
            return value
        }
        switch name {
        case "iid" where argument == nil:
            self = .iid
        case "dirichlet":
            self = .dirichlet(alpha: try positiveReal())
        case "quantity":
            self = .quantity(alpha: try positiveReal())
        case "shards":
            guard let argument, let k = Int(argument), k > 0 else {
                throw PartitionError.invalidSpec(text, "shards needs a positive whole number, e.g. shards:2")
            }
            self = .shards(perClient: k)
        default:
            throw PartitionError.invalidSpec(text, "use iid, dirichlet:ALPHA, shards:K or quantity:ALPHA")
        }
    }

    /// The spec string, which parses back to the same value.
    public var description: String {
        switch self {
        case .iid: return "iid"
        case .dirichlet(let alpha): return "dirichlet:\(alpha)"
        case .shards(let k): return "shards:\(k)"
        case .quantity(let alpha): return "quantity:\(alpha)"
        }
    }
}

/// Why a dataset could not be partitioned as asked.
public enum PartitionError: Error, Equatable, CustomStringConvertible {
    /// The spec string is malformed; the second value says what is expected.
    case invalidSpec(String, String)
    /// There are not enough samples for every client to get some.
    case tooFewSamples(samples: Int, clients: Int, needed: Int)
    /// The skew is so strong that no draw gave every client its minimum number of samples.
    case unsatisfiable(spec: String, clients: Int, minimumPerClient: Int)
    /// A client id outside 0..<clientCount.
    case clientOutOfRange(id: Int, clientCount: Int)

    public var description: String {
        switch self {
        case .invalidSpec(let text, let expected):
            return "invalid partition spec '\(text)': \(expected)"
        case .tooFewSamples(let samples, let clients, let needed):
            return "\(samples) samples cannot be split over \(clients) clients (needs at least \(needed))"
        case .unsatisfiable(let spec, let clients, let minimum):
            return "partition \(spec) over \(clients) clients left a client with fewer than \(minimum) samples "
                + "in every draw; use a larger alpha or fewer clients"
        case .clientOutOfRange(let id, let count):
            return "client id \(id) is outside 0..<\(count)"
        }
    }
}

extension PartitionSpec: Codable {
    /// Decodes the spec from its string form.
    public init(from decoder: Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the spec as its string form.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
