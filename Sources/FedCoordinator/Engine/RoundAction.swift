import FedLedger
import FedWire
import Logging
import NIOCore

/// What the ``RoundStateMachine`` asks its shell to do, in the order given.
public enum RoundAction: Sendable {
    /// Send `message` on a connection.
    case send(Message, to: ConnectionID)
    /// The connection now belongs to `client`: lift the stranger limits before anything else is sent
    /// to it, and count its bytes as that client's.
    case admit(ConnectionID, client: Int)
    /// Send an Error frame for the error, then close the connection.
    case refuse(ConnectionID, WireError)
    /// Close the connection without a word.
    case close(ConnectionID)
    /// A round attempt opens: note each participant's byte counts, send each its frame, and arm the
    /// deadline (``RoundEvent/deadlinePassed(_:)`` once the clock reaches it).
    case openRound(RoundOpening)
    /// A round attempt has everything it will get: disarm its deadline, let the participants'
    /// writes finish by `writesDue` (closing the connections that have not taken them by then), and
    /// answer with ``RoundEvent/writesSettled(_:bytes:)``, before anything else.
    case settleRound(RoundAttempt, participants: [Int: ConnectionID], writesDue: Duration)
    /// A round attempt is over: append its record to the ledger, then write the checkpoint of the
    /// state after it (filling in the ledger's length and the connections' byte totals).
    case commit(RoundRecord, Checkpoint)
    /// Every round is done: say Bye to these connections, close them, and write the summary
    /// (``RoundStateMachine/summary(connectionBytes:)``).
    case finish([ConnectionID])
    /// The job cannot go on.
    case fail(CoordinatorError)
    /// Something worth telling the operator.
    case log(Logger.Level, String)
}

/// The frames that open a round attempt, and when it closes.
public struct RoundOpening: Sendable {
    /// One participant and the frame it is sent (an encoding shared by every participant sent the same model).
    public struct Delivery: Sendable {
        /// The client.
        public var client: Int
        /// Its connection.
        public var connection: ConnectionID
        /// Its RoundStart, encoded.
        public var frame: ByteBuffer
    }

    /// The attempt.
    public var attempt: RoundAttempt
    /// Every participant's RoundStart.
    public var deliveries: [Delivery]
    /// When the attempt closes if updates are missing, on the job clock.
    public var deadline: Duration
}
