import FedClient
import FedCoordinator
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A client whose connection the coordinator never serves (the kernel completed it, but it was never
/// accepted, or the coordinator is wedged) hangs up after its handshake timeout and reconnects,
/// instead of waiting for a Challenge forever; and many clients at once get in through a tiny
/// accept queue.
@Suite(.timeLimit(.minutes(1))) struct ClientHandshakeDeadlineTests {
    /// A listener that accepts connections and never writes a byte: at 15 s on the clients' clock
    /// (not a tick before) the client hangs up, and it connects again.
    @Test func aClientHangsUpOnASilentCoordinatorAndReconnects() async throws {
        let listener = try SilentListener()
        let clock = ManualJobClock()
        let client = EdgeClient(configuration: EdgeClientConfiguration(
            host: "127.0.0.1", port: listener.port, clientID: 0, initialBackoffSeconds: 0.01, giveUpAfterSeconds: 30,
            handshakeTimeoutSeconds: 15, deadlines: JobClockDeadlines(clock: clock)))
        let running = Task { try await client.run() }
        let first = try await listener.accept()
        for _ in 0..<1000 where clock.sleeperDeadlines != [.seconds(15)] { try await Task.sleep(for: .milliseconds(10)) }
        #expect(clock.sleeperDeadlines == [.seconds(15)])
        clock.advance(to: .seconds(15) - .nanoseconds(1))
        #expect(!first.hasEnded(), "the client hung up early")
        clock.advance(to: .seconds(15))
        #expect(await first.endsWithinSeconds(10), "the client did not hang up at its handshake deadline")
        let second = try await listener.accept()
        #expect(!second.hasEnded())
        running.cancel()
        _ = try? await running.value
    }

    /// 100 clients connect at once to a coordinator whose accept queue holds one connection. The
    /// kernel drops the handshakes that find the queue full, and a client whose connection was
    /// completed on its side but never accepted hears nothing: each second of host time that the job
    /// is not done, the clients' clock moves past their handshake timeout, and those clients hang
    /// up and connect again, until every client has joined.
    @Test func aBurstOfClientsGetsThroughATinyAcceptQueue() async throws {
        let setup = try await LoopbackJob(clients: 100, rounds: 1, hidden: [4], backlog: 1)
        let port = setup.server.port
        let clientClock = ManualJobClock()
        let clients = (0..<100).map { id in
            Task {
                try await EdgeClient(configuration: EdgeClientConfiguration(
                    host: "127.0.0.1", port: port, clientID: id, initialBackoffSeconds: 0.05, giveUpAfterSeconds: 600,
                    handshakeTimeoutSeconds: 15, deadlines: JobClockDeadlines(clock: clientClock))).run()
            }
        }
        let job = Task { try await setup.coordinator.run() }
        // Until the round opens (every client joined) or is already recorded.
        func waiting() async -> Bool { await setup.coordinator.openRound == nil && ((try? setup.ledger().count) ?? 0) == 0 }
        while await waiting() {
            try await Task.sleep(for: .seconds(1))
            if await waiting() {
                clientClock.advance(by: .seconds(15))
            }
        }
        let summary = try await job.value
        for client in clients { try await client.value }
        await setup.cleanUp()
        // Here 76 handshake deadlines were pending when the clock moved in one run: without them, those
        // clients waited for a Challenge past this suite's time limit.
        #expect(summary.roundsCompleted == 1)
    }
}

/// A TCP listener on 127.0.0.1 that accepts connections and never sends anything.
/// `@unchecked Sendable`: its descriptor is only read after it is made.
private final class SilentListener: @unchecked Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        port = bindToFreeLoopbackPort(descriptor)
        guard listen(descriptor, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit { close(descriptor) }

    /// The next connection (waiting at most 10 s for it).
    func accept() async throws -> AcceptedConnection {
        let descriptor = self.descriptor
        return try await onOwnThread {
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 10_000) == 1 else { throw POSIXError(.ETIMEDOUT) }
            return AcceptedConnection(descriptor: Glibc.accept(descriptor, nil, nil))
        }
    }
}

/// One accepted connection of a ``SilentListener``.
private final class AcceptedConnection: @unchecked Sendable {
    private let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Whether the peer has closed its end (checked without waiting).
    func hasEnded() -> Bool {
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT)) == 0
    }

    /// Whether the peer closes its end within `seconds`.
    func endsWithinSeconds(_ seconds: Int32) async -> Bool {
        let descriptor = self.descriptor
        return await onOwnThread {
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, seconds * 1000) == 1 else { return false }
            var byte: UInt8 = 0
            return recv(descriptor, &byte, 1, 0) == 0
        }
    }
}
