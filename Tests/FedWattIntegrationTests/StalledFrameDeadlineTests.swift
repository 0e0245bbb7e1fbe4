import FedCoordinator
import FedLedger
import FedWire
import Foundation
import NIOCore
import Testing

/// A connection's stalled-frame deadlines run on the coordinator's job clock, like its rounds: a
/// stranger's handshake deadline and a member's frame timeout pass when the clock is moved to
/// them, not before, and never because the host was slow.
@Suite(.timeLimit(.minutes(1))) struct StalledFrameDeadlineTests {
    /// A stranger sends part of a frame header: at 10 s on the job clock, one tick short, it is still
    /// connected; at the handshake deadline it is refused and closed. The job then runs.
    @Test func aStrangerIsRefusedWhenTheJobClockReachesTheHandshakeDeadline() async throws {
        let setup = try await LoopbackJob(clients: 1, rounds: 1, strangers: StrangerLimits(handshakeTimeout: .seconds(10)))
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }
        let stranger = try RawConnection(port: port)
        // Short of a header, so no frame has begun and only the handshake deadline runs.
        stranger.send(Array(partialFrame(ofSize: 100)[..<8]))
        try await waitForSleepers(until: [.seconds(10)], on: setup.clock)

        setup.clock.advance(to: .seconds(10) - .nanoseconds(1))
        #expect(setup.clock.sleeperDeadlines == [.seconds(10)], "the deadline passed early")
        setup.clock.advance(to: .seconds(10))
        guard case .error(let refusal) = try await stranger.receiveMessage() else { Issue.record("no Error frame"); return }
        #expect(refusal.code == .handshakeTimeout)
        #expect(await stranger.isClosedByPeer())

        let honest = Task { try await setup.client(0, port: port).run() }
        #expect(try await job.value.roundsCompleted == 1)
        try await honest.value
        await setup.cleanUp()
    }

    /// A selected client starts its Update and stalls: when the job clock reaches the frame timeout
    /// (5 s), the connection is refused and closed, and the round completes at once with the other
    /// client's update, the stalled one dropped as rejected.
    @Test func aMemberFrameStalledPastItsTimeoutOnTheJobClockIsRefused() async throws {
        let setup = try await LoopbackJob(
            clients: 2, rounds: 1, minCompletion: 1, budget: InboundBudget(limit: 64 << 20, frameTimeout: .seconds(5)))
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }
        let stalling = try RawConnection(port: port)
        _ = try await stalling.joinReady(as: 1)
        let honest = Task { try await setup.client(0, port: port).run() }
        guard case .roundStart = try await stalling.receiveMessage() else { Issue.record("no RoundStart"); return }
        stalling.send(Array(partialFrame(ofSize: 5000)[..<100]))
        // The frame's timeout, and the round's deadline.
        try await waitForSleepers(until: [.seconds(5), .seconds(30)], on: setup.clock)

        setup.clock.advance(to: .seconds(5))
        guard case .error(let refusal) = try await stalling.receiveMessage() else { Issue.record("no Error frame"); return }
        #expect(refusal.code == .frameTimeout)
        #expect(await stalling.isClosedByPeer())
        #expect(try await job.value.roundsCompleted == 1)
        try await honest.value
        let records = try setup.ledger()
        await setup.cleanUp()
        #expect(records.map(\.completed) == [[0]])
        #expect(records.first?.dropped.map { "\($0.client) \($0.reason)" } == ["1 rejected: frame not completed in time: a frame of 5000 bytes did not arrive whole within 5.0 s"])
    }

    /// Waits (at most 10 s of host time) until those sleeping on `clock` wait for `deadlines`.
    func waitForSleepers(until deadlines: [Duration], on clock: ManualJobClock) async throws {
        for _ in 0..<1000 where clock.sleeperDeadlines != deadlines {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(clock.sleeperDeadlines == deadlines)
    }
}

/// The bytes of a frame of exactly `size` bytes (a Bye whose text pads it), to send part of.
private func partialFrame(ofSize size: Int) -> [UInt8] {
    Array(buffer: Message.bye(Bye(reason: String(repeating: "x", count: size - 16))).encodedFrame())
}
