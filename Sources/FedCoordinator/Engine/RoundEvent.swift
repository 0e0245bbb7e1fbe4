import FedWire

/// What the ``RoundStateMachine`` is told: everything that happens to a job, in the order it
/// happened. The ``Coordinator`` makes these from its connections and its clock; a test makes them
/// by hand.
public enum RoundEvent: Sendable {
    /// A peer connected and was sent a Challenge carrying `nonce`, which its Register must prove.
    case connected(ConnectionID, nonce: [UInt8])
    /// A peer sent a well-formed message.
    case message(ConnectionID, Message)
    /// The wire refused a peer's bytes (an Error frame went out and the connection is closing).
    case refused(ConnectionID, WireError)
    /// A connection closed.
    case disconnected(ConnectionID)
    /// The deadline armed for a round attempt (``RoundAction/openRound(_:)``) has passed.
    case deadlinePassed(RoundAttempt)
    /// The writes of a closing round attempt (``RoundAction/settleRound(_:)``) have finished or been
    /// cut off: `bytes` is what each participant's connection carried since the attempt opened,
    /// counted at the socket.
    case writesSettled(RoundAttempt, bytes: [Int: ByteCounts])
}

/// One attempt at one round: a round that fails is attempted again under the same number.
public struct RoundAttempt: Sendable, Hashable, CustomStringConvertible {
    /// The round, from 1.
    public var round: Int
    /// The attempt at it, from 1.
    public var attempt: Int

    /// Names an attempt.
    public init(round: Int, attempt: Int) {
        self.round = round
        self.attempt = attempt
    }

    public var description: String { "round \(round) attempt \(attempt)" }
}
