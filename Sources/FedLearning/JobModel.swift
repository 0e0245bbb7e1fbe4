import FedData

/// The model a job trains: one of FedWatt's own architectures, which the coordinator can count,
/// train and evaluate itself, or an external model, which only the clients know.
///
/// In Welcome's JSON an architecture is written as ``ModelArchitecture`` writes itself
/// (`{"layerSizes": …}` or `{"inputShape": …, "layers": …}`), and an external model as
/// `{"external": {"name": "torch-cnn", "parameterCount": 9098}}`.
public enum JobModel: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A FedWatt model: analytic FLOPs, seeded initialisation and server-side evaluation.
    case architecture(ModelArchitecture)
    /// A model the clients implement: initial parameters from a file, FLOPs as the clients report
    /// them, and federated evaluation.
    case external(ExternalModel)

    /// Values in the flat parameter vector.
    public var parameterCount: Int {
        switch self {
        case .architecture(let architecture): return architecture.parameterCount
        case .external(let model): return model.parameterCount
        }
    }

    /// The FedWatt architecture, or nil for an external model.
    public var architecture: ModelArchitecture? {
        guard case .architecture(let architecture) = self else { return nil }
        return architecture
    }

    /// Whether the global model is evaluated by the clients on their local test splits (an external
    /// model, which the coordinator cannot run) rather than by the coordinator on the test set.
    public var evaluatedByClients: Bool { architecture == nil }

    /// Checks that an architecture fits samples of `sampleShape` in `classCount` classes, or that an
    /// external model's name and size are valid (the clients check it fits their data).
    public func validate(sampleShape: SampleShape, classCount: Int) throws {
        switch self {
        case .architecture(let architecture): try architecture.validate(sampleShape: sampleShape, classCount: classCount)
        case .external(let model): try model.validate()
        }
    }

    public var description: String {
        switch self {
        case .architecture(let architecture): return architecture.description
        case .external(let model): return model.description
        }
    }

    private enum CodingKeys: String, CodingKey {
        case external
    }

    /// Decodes `{"external": …}` as an external model, anything else as an architecture.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let model = try container.decodeIfPresent(ExternalModel.self, forKey: .external) {
            self = .external(model)
        } else {
            self = .architecture(try ModelArchitecture(from: decoder))
        }
    }

    /// Encodes an architecture exactly as before external models existed, so its jobs' JSON (and
    /// checkpoints) are unchanged.
    public func encode(to encoder: Encoder) throws {
        switch self {
        case .architecture(let architecture): try architecture.encode(to: encoder)
        case .external(let model):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(model, forKey: .external)
        }
    }
}
