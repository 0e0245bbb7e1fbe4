import NIOConcurrencyHelpers
import NIOCore

/// A bound on the bytes of inbound frames that all of a process's connections hold at once: a
/// frame is counted from its header until the code that handles its message lets go of it (drops
/// its ``InboundCharge``).
///
/// A connection whose next frame does not fit stops reading from its socket until enough is
/// released, so TCP's window pushes back on the sender instead of the process buffering every upload
/// of a large fleet at once. Requests are granted in the order they came; a frame larger than the
/// whole budget is granted once nothing else is held, so every frame can get through.
public final class InboundBudget: Sendable {
    /// The bytes that may be held at once.
    public let limit: Int
    /// How long a frame that was granted room may take to arrive whole; a peer that stalls in the
    /// middle of a frame is refused (``ErrorCode/frameTimeout``) so its room goes back to the others.
    public let frameTimeout: TimeAmount
    private let state = NIOLockedValueBox(State())

    private struct State {
        var held = 0
        var waiting = CircularBuffer<Request>()
        var nextTicket = 0
    }

    private struct Request {
        var ticket: Int
        var bytes: Int
        var onGrant: @Sendable (Int, InboundCharge) -> Void
    }

    /// What ``request(_:onGrant:)`` did.
    enum Outcome {
        /// The bytes fit: here is their charge.
        case granted(InboundCharge)
        /// The request waits behind others; `onGrant` will be called with this ticket.
        case queued(ticket: Int)
    }

    /// Creates a budget of `limit` bytes whose granted frames must arrive within `frameTimeout`.
    public init(limit: Int, frameTimeout: TimeAmount) {
        precondition(limit > 0, "an inbound budget needs room for at least one byte")
        self.limit = limit
        self.frameTimeout = frameTimeout
    }

    /// The bytes held now.
    public var heldBytes: Int { state.withLockedValue { $0.held } }

    /// The requests waiting for room now.
    public var waitingRequests: Int { state.withLockedValue { $0.waiting.count } }

    /// Asks for room for `bytes`. If they fit and nobody is waiting, the charge comes back at once;
    /// otherwise the request queues and `onGrant(ticket, charge)` is called later, on whichever
    /// thread released the room.
    func request(_ bytes: Int, onGrant: @escaping @Sendable (Int, InboundCharge) -> Void) -> Outcome {
        state.withLockedValue { state in
            if state.waiting.isEmpty && fits(bytes, held: state.held) {
                state.held += bytes
                return .granted(InboundCharge(budget: self, bytes: bytes))
            }
            state.nextTicket += 1
            state.waiting.append(Request(ticket: state.nextTicket, bytes: bytes, onGrant: onGrant))
            return .queued(ticket: state.nextTicket)
        }
    }

    /// Takes a queued request back; if it was granted meanwhile, its `onGrant` has been or is being
    /// called, and the caller drops that charge when it comes.
    func withdraw(ticket: Int) {
        // The head may have been waiting only behind this request.
        changeThenGrant { state in
            if let index = state.waiting.firstIndex(where: { $0.ticket == ticket }) { state.waiting.remove(at: index) }
        }
    }

    /// Charges `bytes` whatever is held: for a frame already in memory, which the budget can only count.
    func charge(_ bytes: Int) -> InboundCharge {
        state.withLockedValue { $0.held += bytes }
        return InboundCharge(budget: self, bytes: bytes)
    }

    fileprivate func release(_ bytes: Int) {
        changeThenGrant { $0.held -= bytes }
    }

    /// Applies `change`, grants waiting requests from the head while they fit, and calls their
    /// `onGrant` once the lock is released. (At rest the head never fits: every change that frees
    /// room comes through here.)
    private func changeThenGrant(_ change: (inout State) -> Void) {
        let granted = state.withLockedValue { state -> [(Request, InboundCharge)] in
            change(&state)
            var granted: [(Request, InboundCharge)] = []
            while let head = state.waiting.first, fits(head.bytes, held: state.held) {
                state.waiting.removeFirst()
                state.held += head.bytes
                granted.append((head, InboundCharge(budget: self, bytes: head.bytes)))
            }
            return granted
        }
        for (request, charge) in granted { request.onGrant(request.ticket, charge) }
    }

    private func fits(_ bytes: Int, held: Int) -> Bool {
        held == 0 || held + bytes <= limit
    }
}

/// Room held in an ``InboundBudget`` for one frame; it goes back when the charge is released.
public final class InboundCharge: Sendable {
    private let budget: InboundBudget
    /// The bytes held.
    public let bytes: Int

    fileprivate init(budget: InboundBudget, bytes: Int) {
        self.budget = budget
        self.bytes = bytes
    }

    deinit {
        budget.release(bytes)
    }
}
