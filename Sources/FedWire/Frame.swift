import NIOCore

/// One unit on the wire: a 12-byte little-endian header, the payload, and the payload's CRC-32.
///
/// ```
/// offset  size  field
///      0     4  magic "FWAT" (46 57 41 54)
///      4     1  protocol version (1)
///      5     1  message type (MessageType)
///      6     2  flags (UInt16 LE, must be 0 in version 1)
///      8     4  payload length N (UInt32 LE), at most the receiver's maximum
///     12     N  payload
///   12+N     4  CRC-32 (IEEE, as zlib's crc32) of the payload, UInt32 LE
/// ```
public struct Frame: Sendable, Equatable {
    /// What the payload holds.
    public var type: MessageType
    /// Reserved bits; zero in protocol version 1.
    public var flags: UInt16
    /// The message body, checked against the CRC-32.
    public var payload: ByteBuffer

    /// Creates a frame.
    public init(type: MessageType, flags: UInt16 = 0, payload: ByteBuffer) {
        self.type = type
        self.flags = flags
        self.payload = payload
    }

    /// The four magic bytes every frame starts with.
    public static let magic: [UInt8] = Array("FWAT".utf8)
    /// The protocol version this build speaks.
    public static let protocolVersion: UInt8 = 1
    /// Bytes before the payload.
    public static let headerSize = 12
    /// Bytes after the payload (the CRC-32).
    public static let trailerSize = 4
}

/// The message types of protocol version 1, by their wire byte.
public enum MessageType: UInt8, Sendable, CaseIterable {
    case register = 1
    case welcome = 2
    case roundStart = 3
    case update = 4
    case ack = 5
    case error = 6
    case bye = 7
    case challenge = 8
    case evaluation = 9
}
