import FedWire

/// Identifies one TCP connection for the life of the coordinator process.
public typealias ConnectionID = Int

/// What the ``Coordinator`` shell reacts to, delivered in order through one stream: its
/// connections' events and its round deadlines. It turns each into a ``RoundEvent`` for its
/// ``RoundStateMachine``.
public enum CoordinatorEvent: Sendable {
    /// A peer connected; nothing has been said yet.
    case connected(ConnectionID, PeerConnection)
    /// Something happened on a connection: a message, a refusal, or the close.
    case connection(ConnectionID, ConnectionEvent)
    /// A round attempt's time is up.
    case deadline(RoundAttempt)
}
