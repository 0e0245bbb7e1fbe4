import FedData

/// A model's JSON, as the job in Welcome carries it: `{"layerSizes": [784, 128, 10]}` for a fully
/// connected network, `{"inputShape": {...}, "layers": [...]}` for any other.
extension ModelArchitecture: Codable {
    private enum CodingKeys: String, CodingKey {
        case layerSizes, inputShape, layers
    }

    /// Decodes either form, checking every layer's shape.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let sizes = try container.decodeIfPresent([Int].self, forKey: .layerSizes) {
            guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 }) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .layerSizes, in: container, debugDescription: "need at least two positive layer widths, got \(sizes)")
            }
            self.init(layerSizes: sizes)
        } else {
            try self.init(
                inputShape: container.decode(SampleShape.self, forKey: .inputShape),
                layers: container.decode([Layer].self, forKey: .layers))
        }
    }

    /// Encodes a fully connected network as its layer sizes alone, any other model as its input shape and layers.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let sizes = layerSizes {
            try container.encode(sizes, forKey: .layerSizes)
        } else {
            try container.encode(inputShape, forKey: .inputShape)
            try container.encode(layers, forKey: .layers)
        }
    }
}
