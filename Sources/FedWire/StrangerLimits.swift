import NIOCore

/// What a connection accepts from a peer before it is admitted (has proved its secret, when secrets
/// are set, and registered): small frames only, charged to a budget of their own, and a deadline by
/// which its first whole frame (its Register) must be in. Until ``PeerConnection/admit()``, a stranger
/// cannot spend the registered clients' ``InboundBudget``, and one that sends nothing whole keeps its
/// descriptor no longer than `handshakeTimeout`.
public struct StrangerLimits: Sendable {
    /// The largest payload a stranger may send: a Register (or an Error) is far smaller.
    public var maximumPayloadSize: Int
    /// The room all strangers' frames share, apart from the registered clients' budget.
    public var budget: InboundBudget
    /// How long a connection may take to send its first whole frame before it is refused
    /// (``ErrorCode/handshakeTimeout``) and closed.
    public var handshakeTimeout: TimeAmount

    /// The largest payload a stranger may send by default.
    public static let defaultMaximumPayloadSize = 4096
    /// The room all strangers' frames share by default.
    public static let defaultBudgetBytes = 1 << 20

    /// Creates the limits; the strangers' budget's frames must arrive whole within `handshakeTimeout` too.
    public init(
        handshakeTimeout: TimeAmount, maximumPayloadSize: Int = defaultMaximumPayloadSize, budgetBytes: Int = defaultBudgetBytes
    ) {
        self.maximumPayloadSize = maximumPayloadSize
        self.budget = InboundBudget(limit: budgetBytes, frameTimeout: handshakeTimeout)
        self.handshakeTimeout = handshakeTimeout
    }
}

/// The limits a connection applies to the frames it reads now: a stranger's until the peer is
/// admitted, then a member's. Shared by one connection's ``FrameDecoder`` and ``FrameReadGate``;
/// event-loop confined like them.
final class FrameLimits {
    /// The largest payload accepted now.
    var maximumPayloadSize: Int
    /// The budget frames are charged to now (nil: no bound).
    var budget: InboundBudget?

    init(maximumPayloadSize: Int, budget: InboundBudget?) {
        self.maximumPayloadSize = maximumPayloadSize
        self.budget = budget
    }
}

/// The outbound user event ``PeerConnection/admit()`` sends down its pipeline.
struct AdmitPeer: Sendable {}
