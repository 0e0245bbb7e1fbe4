import FedWire

/// Identifies one TCP connection for the life of the coordinator process.
public typealias ConnectionID = Int

/// Everything the coordinator reacts to, delivered in order through one stream, so the round logic
/// is a single sequential loop with no locks, and tests can drive it without sockets.
public enum CoordinatorEvent: Sendable {
    /// A peer connected; nothing has been said yet.
    case connected(ConnectionID, PeerConnection)
    /// Something happened on a connection: a message, a refusal, or the close.
    case connection(ConnectionID, ConnectionEvent)
    /// A round attempt's time is up.
    case deadline(round: Int, attempt: Int)
}
