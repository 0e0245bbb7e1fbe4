import FedData
import FedLearning
import FedWire
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The edge client: connects to the coordinator, registers, prepares its data shard from the job,
/// trains on every RoundStart and answers with its encoded delta, until the coordinator says Bye.
///
/// When the connection fails or drops it reconnects with exponential backoff (doubling from
/// `initialBackoffSeconds` to `maximumBackoffSeconds`, with jitter), and gives up when the coordinator
/// has been unreachable for `giveUpAfterSeconds`.
public final class EdgeClient {
    private let configuration: EdgeClientConfiguration
    private let logger: Logger
    private var workspace: LocalWorkspace?
    private let sharedGroup: EventLoopGroup?
    private let sharedTrainingData: Dataset?

    /// Creates a client; nothing happens until ``run()``.
    ///
    /// Many clients in one process (the load mode) share one event loop `group` and one copy of the
    /// `trainingData`; a lone client makes its own group and loads the job's dataset itself.
    public init(
        configuration: EdgeClientConfiguration, logger: Logger = Logger(label: "fedwatt.client"), group: EventLoopGroup? = nil,
        trainingData: Dataset? = nil
    ) {
        self.configuration = configuration
        self.logger = logger
        sharedGroup = group
        sharedTrainingData = trainingData
    }

    /// Rounds this client has answered, over all its connections.
    public private(set) var roundsAnswered = 0

    /// Serves the job until Bye; throws if the coordinator stays unreachable or the job cannot run here.
    public func run() async throws {
        if let sharedGroup { return try await serveUntilBye(group: sharedGroup) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await serveUntilBye(group: group)
            try? await group.shutdownGracefully()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func serveUntilBye(group: EventLoopGroup) async throws {
        var backoff = configuration.initialBackoffSeconds
        var lastContact = ContinuousClock.now
        var generator = SystemRandomNumberGenerator()
        var lastFailure: String?
        while true {
            do {
                let connected = try await connect(group: group)
                switch try await serve(connected) {
                case .bye:
                    return
                case .lostAfterContact:
                    // The coordinator spoke (a TCP connect alone, e.g. a failed TLS handshake, does not count).
                    lastContact = .now
                    backoff = configuration.initialBackoffSeconds
                    logger.info("client \(configuration.clientID): connection lost; reconnecting")
                case .lostWithoutContact(let failure):
                    lastFailure = failure ?? "connection closed before the coordinator spoke"
                    logger.debug("client \(configuration.clientID): \(lastFailure!)")
                }
            } catch let error as ClientError {
                throw error
            } catch {
                lastFailure = "\(error)"
                logger.debug("client \(configuration.clientID): cannot reach \(configuration.host):\(configuration.port): \(error)")
            }
            guard lastContact.duration(to: .now) < .seconds(configuration.giveUpAfterSeconds) else {
                throw ClientError.coordinatorUnreachable(seconds: configuration.giveUpAfterSeconds, lastFailure: lastFailure)
            }
            try await Task.sleep(for: .seconds(backoff * Double.random(in: 0.5...1.0, using: &generator)))
            backoff = min(backoff * 2, configuration.maximumBackoffSeconds)
        }
    }

    private struct Connected {
        var connection: PeerConnection
        var events: AsyncStream<ConnectionEvent>
    }

    private func connect(group: EventLoopGroup) async throws -> Connected {
        let (events, continuation) = AsyncStream.makeStream(of: ConnectionEvent.self)
        let counter = ByteCounter()
        let maximum = configuration.maximumPayloadSize
        let tls = configuration.tls
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configureFedWirePipeline(channel: channel, counter: counter, maximumPayloadSize: maximum, tls: tls) { event in
                        continuation.yield(event)
                        if case .closed = event { continuation.finish() }
                    }
                }
            }
            .connect(host: configuration.host, port: configuration.port).get()
        return Connected(connection: PeerConnection(channel: channel, counter: counter), events: events)
    }

    /// How a connection ended.
    private enum SessionEnd {
        case bye
        case lostAfterContact
        case lostWithoutContact(failure: String?)
    }

    /// Talks to the coordinator until the connection ends. A coordinator that has not sent its first
    /// frame within the handshake timeout is hung up on.
    private func serve(_ connected: Connected) async throws -> SessionEnd {
        let connection = connected.connection
        var registered = false
        var heardFromCoordinator = false
        var failure: String?
        let channel = connection.channel
        let timeout = configuration.handshakeTimeoutSeconds
        let timedOut = NIOLockedValueBox(false)
        let handshake = (configuration.deadlines ?? EventLoopDeadlineScheduler(eventLoop: channel.eventLoop))
            .schedule(in: .nanoseconds(Int64(timeout * 1e9))) {
                timedOut.withLockedValue { $0 = true }
                channel.close(promise: nil)
            }
        defer { handshake.cancel() }
        for await event in connected.events {
            if case .message = event, !heardFromCoordinator {
                heardFromCoordinator = true
                handshake.cancel()
            }
            switch event {
            case .message(.challenge(let challenge), _) where !registered:
                let id = UInt32(configuration.clientID)
                let proof = configuration.secret.map { ClientAuthentication.proof(secret: $0, nonce: challenge.nonce, clientID: id) } ?? []
                connection.send(.register(Register(clientID: id, device: configuration.device, link: configuration.link, proof: proof)))
                registered = true
            case .message(.welcome(let welcome), _):
                if try prepare(jobJSON: welcome.jobJSON, connection: connection) {
                    connection.send(.ack(Ack(round: 0)))  // ready: data loaded, shard derived
                }
            case .message(.roundStart(let start), _):
                guard let workspace else {
                    connection.refuse(WireError(.unexpectedMessage, "RoundStart before Welcome"))
                    continue
                }
                do {
                    connection.send(.update(try workspace.runRound(start)))
                    roundsAnswered += 1
                } catch {
                    logger.error("client \(configuration.clientID): round \(start.round) refused: \(error)")
                    connection.refuse((error as? WireError) ?? WireError(.wrongShape, "\(error)"))
                }
            case .message(.ack, _):
                continue
            case .message(.bye(let bye), _):
                logger.info("client \(configuration.clientID): bye (\(bye.reason))")
                try? await connection.channel.close()
                return .bye
            case .message(.error(let error), _):
                logger.error("client \(configuration.clientID): coordinator refused us: \(error.code): \(error.text)")
            case .message(let other, _):
                connection.refuse(WireError(.unexpectedMessage, "a coordinator does not send \(other.type)"))
            case .refused(let error):
                logger.error("client \(configuration.clientID): refused the coordinator's bytes: \(error)")
            case .failed(let reason):
                failure = reason
            case .closed:
                break
            }
        }
        if heardFromCoordinator { return .lostAfterContact }
        if timedOut.withLockedValue({ $0 }) { failure = "the coordinator sent nothing within \(timeout) s of connecting; hung up" }
        return .lostWithoutContact(failure: failure)
    }

    /// Reads the job and, unless it is the job already prepared, loads this client's shard;
    /// returns whether the client is ready for rounds.
    private func prepare(jobJSON: String, connection: PeerConnection) throws -> Bool {
        let job: FederatedJob
        do {
            job = try FederatedJob(jsonText: jobJSON)
        } catch {
            connection.refuse(WireError(.malformedPayload, "cannot use the job: \(error)"))
            return false
        }
        guard workspace?.job != job else { return true }
        do {
            workspace = try LocalWorkspace(
                job: job, clientID: configuration.clientID, dataDirectory: configuration.dataDirectory, attack: configuration.attack,
                trainingData: sharedTrainingData)
        } catch {
            connection.refuse(WireError(.internalError, "client \(configuration.clientID) cannot prepare its data: \(error)"))
            throw ClientError.cannotPrepare("\(error)")
        }
        logger.info("client \(configuration.clientID): \(workspace!.sampleCount) local samples (\(job.partition), \(job.dataset))")
        return true
    }
}

/// Why a client stopped without a Bye.
public enum ClientError: Error, CustomStringConvertible {
    /// No connection for longer than the give-up time; the last failure seen, if any.
    case coordinatorUnreachable(seconds: Double, lastFailure: String?)
    /// The job cannot run here (missing dataset, bad partition).
    case cannotPrepare(String)

    public var description: String {
        switch self {
        case .coordinatorUnreachable(let seconds, let failure):
            return "coordinator unreachable for \(seconds) s\(failure.map { " (last: \($0))" } ?? ""); giving up"
        case .cannotPrepare(let detail): return "cannot prepare the job: \(detail)"
        }
    }
}
