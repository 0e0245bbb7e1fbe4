/// Where an open round attempt stands: who it asked, whom it still waits for, and until when.
public struct RoundStatus: Sendable, Equatable {
    /// The attempt.
    public var attempt: RoundAttempt
    /// The clients asked, in selection order.
    public var selected: [Int]
    /// The clients whose updates it still waits for.
    public var pending: Set<Int>
    /// When it closes without them, on the job clock.
    public var deadline: Duration
}
