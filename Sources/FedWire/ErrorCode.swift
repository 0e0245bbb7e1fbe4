import FedCodec

/// Why a peer's input was refused: the code travels in the Error frame, the same value the
/// receiving code throws, so logs on both sides agree.
public enum ErrorCode: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    case badMagic = 1
    case unsupportedVersion = 2
    case unknownMessageType = 3
    case frameTooLarge = 4
    case checksumMismatch = 5
    case malformedPayload = 6
    case unexpectedMessage = 7
    case unknownClient = 8
    case wrongRound = 9
    case wrongShape = 10
    case nonFiniteValues = 11
    case duplicateUpdate = 12
    case notSelected = 13
    case badEncoding = 14
    case unsupportedFlags = 15
    case unknownProfile = 16
    case authenticationFailed = 17
    case frameTimeout = 18
    case unknownBaseModel = 19
    case handshakeTimeout = 20
    case valueOutOfRange = 21
    case flopsMismatch = 22
    case internalError = 99

    public var description: String {
        switch self {
        case .badMagic: return "bad magic"
        case .unsupportedVersion: return "unsupported protocol version"
        case .unknownMessageType: return "unknown message type"
        case .frameTooLarge: return "frame too large"
        case .checksumMismatch: return "CRC-32 mismatch"
        case .malformedPayload: return "malformed payload"
        case .unexpectedMessage: return "unexpected message"
        case .unknownClient: return "unknown client"
        case .wrongRound: return "wrong round"
        case .wrongShape: return "wrong shape"
        case .nonFiniteValues: return "non-finite values"
        case .duplicateUpdate: return "duplicate update"
        case .notSelected: return "client not selected for this round"
        case .badEncoding: return "bad tensor encoding"
        case .unsupportedFlags: return "unsupported flags"
        case .unknownProfile: return "unknown device or link profile"
        case .authenticationFailed: return "authentication failed"
        case .frameTimeout: return "frame not completed in time"
        case .unknownBaseModel: return "unknown base model"
        case .handshakeTimeout: return "not registered in time"
        case .valueOutOfRange: return "value out of range"
        case .flopsMismatch: return "FLOPs do not match the model"
        case .internalError: return "internal error"
        }
    }
}

/// A refusal of input from the wire, with the code the Error frame will carry.
public struct WireError: Error, Equatable, CustomStringConvertible {
    /// The machine-readable reason.
    public let code: ErrorCode
    /// What exactly was wrong, for people.
    public let detail: String

    /// Creates an error.
    public init(_ code: ErrorCode, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}

extension WireError {
    /// The refusal of a tensor the codec would not decode: `wrongShape` for a value count other
    /// than the model's, `badEncoding` for anything else.
    public init(_ error: CodecError) {
        switch error {
        case .wrongValueCount: self.init(.wrongShape, error.description)
        default: self.init(.badEncoding, error.description)
        }
    }
}
