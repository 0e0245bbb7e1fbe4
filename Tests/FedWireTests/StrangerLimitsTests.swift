import FedWire
import NIOCore
import NIOEmbedded
import Testing

/// A connection whose peer has not been admitted yet: small frames only, charged to the strangers'
/// budget, and refused at the handshake deadline. Driven on an embedded event loop whose clock the
/// test moves.
@Suite struct StrangerLimitsTests {
    let members = InboundBudget(limit: 1 << 20, frameTimeout: .seconds(30))
    let strangers = StrangerLimits(handshakeTimeout: .seconds(10), maximumPayloadSize: 4096, budgetBytes: 64 << 10)

    /// The refusal among `events`, if any.
    func refusal(in events: [ConnectionEvent]) -> WireError? {
        events.lazy.compactMap { event -> WireError? in
            guard case .refused(let error) = event else { return nil }
            return error
        }.first
    }

    @Test func aStrangersFrameOverItsSmallMaximumIsRefusedFromItsHeader() throws {
        let connection = try BudgetedChannel(budget: members, strangers: strangers)
        try connection.receive(frame(ofSize: 8192)[..<12])
        #expect(refusal(in: connection.takeEvents())?.code == .frameTooLarge)
        #expect(members.heldBytes == 0 && strangers.budget.heldBytes == 0)
    }

    @Test func aStrangersFramesAreChargedToTheStrangersBudgetAndAMembersToTheMembers() throws {
        let connection = try BudgetedChannel(budget: members, strangers: strangers)
        // Half a frame from a stranger holds room in the strangers' budget only.
        try connection.receive(frame(ofSize: 3000)[..<100])
        #expect(strangers.budget.heldBytes == 3000 && members.heldBytes == 0)
        try connection.receive(frame(ofSize: 3000)[100...])
        var events = connection.takeEvents()
        #expect(chargedBytes(events) == [3000])
        events.removeAll()
        #expect(strangers.budget.heldBytes == 0)

        // Admitted, the same connection may send a member's frame, and it is the members' budget it spends.
        PeerConnection(channel: connection.channel, counter: ByteCounter()).admit()
        connection.channel.embeddedEventLoop.run()
        try connection.receive(frame(ofSize: 8192)[..<100])
        #expect(members.heldBytes == 8192 && strangers.budget.heldBytes == 0)
        #expect(refusal(in: connection.takeEvents()) == nil)
    }

    @Test func aConnectionWithoutAWholeFrameByTheHandshakeDeadlineIsRefused() throws {
        let connection = try BudgetedChannel(budget: members, strangers: strangers)
        try connection.receive(frame(ofSize: 100)[..<50])
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(refusal(in: connection.takeEvents()) == nil)
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(refusal(in: connection.takeEvents())?.code == .handshakeTimeout)
    }

    /// Its first whole frame hands the decision to the coordinator, which admits the peer or refuses
    /// and closes: the deadline is over, however long the coordinator takes.
    @Test func aWholeFirstFrameEndsTheHandshakeDeadline() throws {
        let connection = try BudgetedChannel(budget: members, strangers: strangers)
        try connection.receive(frame(ofSize: 100)[...])
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(refusal(in: connection.takeEvents()) == nil)
        #expect(connection.channel.isActive)
    }

    @Test func anAdmittedConnectionHasNoHandshakeDeadline() throws {
        let connection = try BudgetedChannel(budget: members, strangers: strangers)
        PeerConnection(channel: connection.channel, counter: ByteCounter()).admit()
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(refusal(in: connection.takeEvents()) == nil)
        #expect(connection.channel.isActive)
    }
}
