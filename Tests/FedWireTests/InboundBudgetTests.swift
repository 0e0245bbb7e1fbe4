import FedWire
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

/// Counts the `read()` calls that get past every handler above it: the reads the socket would see.
final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

/// A channel with FedWatt's whole pipeline on `budget`, collecting its events, with a read counter
/// next to the socket.
struct BudgetedChannel {
    let channel = EmbeddedChannel()
    let reads = ReadCounter()
    let events = NIOLockedValueBox<[ConnectionEvent]>([])

    init(budget: InboundBudget, strangers: StrangerLimits? = nil) throws {
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7000)).wait()  // active, as a peer's socket is
        try channel.pipeline.syncOperations.addHandler(reads)
        let events = self.events
        try configureFedWirePipeline(
            channel: channel, counter: ByteCounter(), maximumPayloadSize: 1 << 16, budget: budget, strangers: strangers
        ) { event in
            events.withLockedValue { $0.append(event) }
        }
    }

    /// Asks for a read, as the channel does when it wants more bytes; returns whether it reached the socket.
    func read() -> Bool {
        let before = reads.reads
        channel.read()
        return reads.reads > before
    }

    func receive(_ bytes: ArraySlice<UInt8>) throws {
        try channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// Hands the events over and forgets them (which releases their charges once the caller drops them).
    func takeEvents() -> [ConnectionEvent] {
        events.withLockedValue { events in
            defer { events.removeAll() }
            return events
        }
    }
}

/// The bytes each event's charge holds (nil: a message without a charge; events other than messages are left out).
func chargedBytes(_ events: [ConnectionEvent]) -> [Int?] {
    events.compactMap { event in
        guard case .message(_, let charge) = event else { return nil }
        return .some(charge?.bytes)
    }
}

/// A frame whose encoded size is exactly `size` bytes (at least 16).
func frame(ofSize size: Int) -> [UInt8] {
    // Bye's payload is its text; the frame adds 16 bytes.
    Array(buffer: Message.bye(Bye(reason: String(repeating: "x", count: size - 16))).encodedFrame())
}

@Suite struct InboundBudgetTests {
    @Test func aFrameThatDoesNotFitHoldsItsConnectionsReadsUntilRoomIsReleased() throws {
        let budget = InboundBudget(limit: 100, frameTimeout: .seconds(5))
        let first = try BudgetedChannel(budget: budget)
        let second = try BudgetedChannel(budget: budget)
        #expect(frame(ofSize: 80).count == 80)

        try first.receive(frame(ofSize: 80)[...])
        var held = first.takeEvents()
        #expect(chargedBytes(held) == [80])
        #expect(budget.heldBytes == 80)

        // 80 + 60 > 100: the second frame's header arrives, its request waits, and reads stop there.
        let waiting = frame(ofSize: 60)
        try second.receive(waiting[..<30])
        #expect(budget.waitingRequests == 1)
        #expect(!second.read())
        #expect(first.read())

        // The first message is handled and dropped: the second is granted and its held read goes out.
        held.removeAll()
        #expect(budget.heldBytes == 60)
        #expect(second.reads.reads == 0)
        second.channel.embeddedEventLoop.run()
        #expect(second.reads.reads == 1)
        #expect(second.read())

        try second.receive(waiting[30...])
        var events = second.takeEvents()
        #expect(chargedBytes(events) == [60])
        #expect(budget.heldBytes == 60)
        events.removeAll()
        #expect(budget.heldBytes == 0)
    }

    @Test func requestsAreGrantedInOrderAndAFrameLargerThanTheBudgetGetsThroughAlone() throws {
        let budget = InboundBudget(limit: 100, frameTimeout: .seconds(5))
        let channels = try (0..<3).map { _ in try BudgetedChannel(budget: budget) }
        let frames = [frame(ofSize: 90), frame(ofSize: 150), frame(ofSize: 30)]
        for (channel, frame) in zip(channels, frames) { try channel.receive(frame[..<12]) }
        #expect(budget.heldBytes == 90)
        #expect(budget.waitingRequests == 2)

        try channels[0].receive(frames[0][12...])
        var events = channels[0].takeEvents()
        #expect(chargedBytes(events) == [90])
        // The 30-byte frame would fit beside nothing but must wait behind the 150-byte one.
        events.removeAll()
        #expect(budget.heldBytes == 150)
        #expect(budget.waitingRequests == 1)

        for channel in channels { channel.channel.embeddedEventLoop.run() }
        try channels[1].receive(frames[1][12...])
        events = channels[1].takeEvents()
        #expect(chargedBytes(events) == [150])
        events.removeAll()
        #expect(budget.heldBytes == 30)
        #expect(budget.waitingRequests == 0)
    }

    @Test func aFrameThatStallsAfterItsGrantIsRefusedAndItsRoomReturns() throws {
        let budget = InboundBudget(limit: 100, frameTimeout: .seconds(2))
        let stalling = try BudgetedChannel(budget: budget)
        try stalling.receive(frame(ofSize: 50)[..<20])
        #expect(budget.heldBytes == 50)

        stalling.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        let events = stalling.takeEvents()
        guard case .refused(let error) = events.first else { Issue.record("no refusal: \(events)"); return }
        #expect(error.code == .frameTimeout)
        guard let reply = try stalling.channel.readOutbound(as: ByteBuffer.self) else { Issue.record("no Error frame"); return }
        #expect(reply.getBytes(at: 5, length: 1) == [MessageType.error.rawValue])
        #expect(!stalling.channel.isActive)
        #expect(budget.heldBytes == 0)
    }

    @Test func aClosedConnectionGivesBackItsRoomAndItsPlaceInTheQueue() throws {
        let budget = InboundBudget(limit: 100, frameTimeout: .seconds(5))
        let reading = try BudgetedChannel(budget: budget)
        let waiting = try BudgetedChannel(budget: budget)
        let third = try BudgetedChannel(budget: budget)
        try reading.receive(frame(ofSize: 70)[..<12])
        try waiting.receive(frame(ofSize: 70)[..<12])
        try third.receive(frame(ofSize: 60)[..<12])
        #expect(budget.heldBytes == 70)
        #expect(budget.waitingRequests == 2)

        _ = try waiting.channel.finish(acceptAlreadyClosed: true)
        #expect(budget.waitingRequests == 1)
        _ = try reading.channel.finish(acceptAlreadyClosed: true)
        #expect(budget.heldBytes == 60)
        #expect(budget.waitingRequests == 0)
        _ = try third.channel.finish(acceptAlreadyClosed: true)
        #expect(budget.heldBytes == 0)
    }

    @Test func aGrantThatLandsAfterItsFrameIsCompleteIsGivenBack() throws {
        let budget = InboundBudget(limit: 100, frameTimeout: .seconds(5))
        let first = try BudgetedChannel(budget: budget)
        let second = try BudgetedChannel(budget: budget)
        try first.receive(frame(ofSize: 80)[...])
        var held = first.takeEvents()
        let waiting = frame(ofSize: 60)
        try second.receive(waiting[..<12])
        #expect(budget.waitingRequests == 1)

        // The room is granted on this thread and hops to the second connection's loop, but the rest
        // of its frame is read before the grant lands: the frame is charged as read.
        held.removeAll()
        try second.receive(waiting[12...])
        var events = second.takeEvents()
        #expect(chargedBytes(events) == [60])
        #expect(budget.heldBytes == 120)
        second.channel.embeddedEventLoop.run()
        #expect(budget.heldBytes == 60)
        events.removeAll()
        #expect(budget.heldBytes == 0)
    }

    @Test func aFrameAlreadyReadWhenItsRequestQueuedIsChargedNotLost() throws {
        let budget = InboundBudget(limit: 100, frameTimeout: .seconds(5))
        let first = try BudgetedChannel(budget: budget)
        let second = try BudgetedChannel(budget: budget)
        try first.receive(frame(ofSize: 90)[..<12])
        // The whole frame came in one read: it is in memory, so it is passed on and counted.
        try second.receive(frame(ofSize: 40)[...])
        var events = second.takeEvents()
        #expect(chargedBytes(events) == [40])
        #expect(budget.heldBytes == 130)
        #expect(budget.waitingRequests == 0)
        #expect(second.read())
        events.removeAll()
        #expect(budget.heldBytes == 90)
    }
}
