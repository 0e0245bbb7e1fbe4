import FedData
import FedWire

/// How an edge client finds its coordinator and what it says about itself.
public struct EdgeClientConfiguration: Sendable {
    /// Coordinator host name or address.
    public var host: String
    /// Coordinator port.
    public var port: Int
    /// This client's id, 0 ..< the job's client count; it decides the data shard.
    public var clientID: Int
    /// Device profile name reported at registration.
    public var device: String
    /// Link profile name reported at registration.
    public var link: String
    /// Fashion-MNIST folder (default: `$FEDWATT_DATA_DIR`, else Debian's).
    public var dataDirectory: String
    /// First wait before reconnecting; doubles after each failure.
    public var initialBackoffSeconds: Double
    /// Longest wait between reconnection attempts.
    public var maximumBackoffSeconds: Double
    /// The client gives up when it has not reached the coordinator for this long.
    public var giveUpAfterSeconds: Double
    /// Largest frame payload accepted from the coordinator.
    public var maximumPayloadSize: Int
    /// A poisoning attack this client runs on its deltas (nil: an honest client).
    public var attack: ClientAttack?
    /// The secret this client proves at Register (nil: it sends no proof).
    public var secret: [UInt8]?
    /// TLS to the coordinator (nil: plain TCP).
    public var tls: TLSRole?
    /// How long after connecting the client waits for the coordinator's first frame (its
    /// Challenge) before it hangs up and reconnects: a connection the kernel completed but the
    /// coordinator never accepted (a full accept queue) would otherwise wait forever.
    public var handshakeTimeoutSeconds: Double
    /// The clock of that deadline (nil: the connection's event loop).
    public var deadlines: (any DeadlineScheduler)?

    /// Creates a configuration with the usual reconnection policy (0.1 s doubling to 5 s, give up after
    /// 60 s, 15 s for the coordinator's first frame).
    public init(
        host: String, port: Int, clientID: Int, device: String = "rpi4", link: String = "wifi",
        dataDirectory: String = FashionMNIST.directory(), initialBackoffSeconds: Double = 0.1,
        maximumBackoffSeconds: Double = 5, giveUpAfterSeconds: Double = 60, maximumPayloadSize: Int = 64 << 20,
        attack: ClientAttack? = nil, secret: [UInt8]? = nil, tls: TLSRole? = nil, handshakeTimeoutSeconds: Double = 15,
        deadlines: (any DeadlineScheduler)? = nil
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.device = device
        self.link = link
        self.dataDirectory = dataDirectory
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maximumBackoffSeconds = maximumBackoffSeconds
        self.giveUpAfterSeconds = giveUpAfterSeconds
        self.maximumPayloadSize = maximumPayloadSize
        self.attack = attack
        self.secret = secret
        self.tls = tls
        self.handshakeTimeoutSeconds = handshakeTimeoutSeconds
        self.deadlines = deadlines
    }
}
