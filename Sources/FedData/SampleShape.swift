/// The shape of one sample: height x width x channels.
///
/// A sample's bytes (and, inside the networks, its values) are stored pixel by pixel, row by row,
/// with the channels of a pixel side by side (height-width-channels order). A flat feature vector of
/// `n` values is `1 x 1 x n`.
public struct SampleShape: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Rows of pixels.
    public var height: Int
    /// Pixels per row.
    public var width: Int
    /// Values per pixel.
    public var channels: Int

    /// Creates a shape; every side must be positive.
    public init(height: Int, width: Int, channels: Int) {
        precondition(height > 0 && width > 0 && channels > 0, "sample sides must be positive")
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// A flat vector of `count` features, `1 x 1 x count`.
    public static func flat(_ count: Int) -> SampleShape { SampleShape(height: 1, width: 1, channels: count) }

    /// Values per sample.
    public var featureCount: Int { height * width * channels }

    /// `28x28x1`.
    public var description: String { "\(height)x\(width)x\(channels)" }

    private enum CodingKeys: String, CodingKey {
        case height, width, channels
    }

    /// Decodes a shape, refusing sides that are not positive.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let sides = try [CodingKeys.height, .width, .channels].map { try container.decode(Int.self, forKey: $0) }
        guard sides.allSatisfy({ $0 > 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .height, in: container, debugDescription: "sample sides must be positive, got \(sides)")
        }
        self.init(height: sides[0], width: sides[1], channels: sides[2])
    }

    /// Parses `HxWxC` (three positive numbers); nil otherwise.
    public init?(_ text: some StringProtocol) {
        let sides = text.split(separator: "x").map { Int($0) }
        guard sides.count == 3, let height = sides[0], let width = sides[1], let channels = sides[2],
            height > 0, width > 0, channels > 0
        else { return nil }
        self.init(height: height, width: width, channels: channels)
    }
}
