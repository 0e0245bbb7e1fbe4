/// A kind of codec stage, as the codec work is counted: each costs a number of operations per unit
/// of what enters it, a value for the sparsifier and the quantizers, a byte for the lossless coders.
public enum CodecStageKind: String, Sendable, Hashable, Codable, CaseIterable {
    case topk, fp16, int8, int4, int2, qsgd, sign, zlib, range

    /// What one unit of the stage's work is.
    public enum Unit: String, Sendable {
        /// A float32 value entering the stage.
        case value
        /// A byte entering the coder (encoding) or leaving it (decoding).
        case byte
    }

    /// The unit its operations are counted per.
    public var unit: Unit { self == .zlib || self == .range ? .byte : .value }
}

/// Which way a device runs a codec: encoding its update, or decoding the model it received.
public enum CodecWorkDirection: String, Sendable, Hashable, Codable {
    case encode, decode
}

/// What one codec stage costs a device, in operations counted as training FLOPs: a device runs them
/// at its sustained FLOP/s and draws its training power meanwhile.
public struct CodecStageWork: Sendable, Hashable, Codable {
    /// The stage.
    public var stage: CodecStageKind
    /// Operations per unit (``CodecStageKind/unit``) to encode.
    public var encodeOperations: SourcedValue
    /// Operations per unit to decode.
    public var decodeOperations: SourcedValue

    /// Operations per unit in `direction`.
    public func operations(_ direction: CodecWorkDirection) -> SourcedValue {
        direction == .encode ? encodeOperations : decodeOperations
    }

    /// Creates a stage's costs.
    public init(stage: CodecStageKind, encodeOperations: SourcedValue, decodeOperations: SourcedValue) {
        self.stage = stage
        self.encodeOperations = encodeOperations
        self.decodeOperations = decodeOperations
    }
}

/// The counted cost of encoding and decoding on the devices (docs/ARCHITECTURE.md, "Codec work"):
/// one entry per stage kind.
public struct CodecWorkProfile: Sendable, Hashable, Codable {
    /// How the figures were obtained.
    public var description: String
    /// Every stage kind's costs.
    public var stages: [CodecStageWork]

    /// Creates a profile.
    public init(description: String, stages: [CodecStageWork]) {
        self.description = description
        self.stages = stages
    }

    /// The costs of `stage` (nil only in a profile that failed `EnergyProfiles.validate()`, which
    /// asks for every kind).
    public func work(_ stage: CodecStageKind) -> CodecStageWork? { stages.first { $0.stage == stage } }
}

/// The codec work of one client round: decoding the model it received and encoding its update, in
/// operations counted as training FLOPs.
public struct CodecOperations: Sendable, Hashable, Codable {
    /// Decoding the model (or difference) the client received.
    public var decode: Double
    /// Encoding the client's update.
    public var encode: Double

    /// Creates a round's codec work.
    public init(decode: Double, encode: Double) {
        self.decode = decode
        self.encode = encode
    }
}
