import FedCodec

/// Everything coordinator and client say to each other, one case per ``MessageType``.
public enum Message: Sendable, Equatable {
    /// Coordinator to client, first on every connection: the nonce the client's proof must bind.
    case challenge(Challenge)
    /// Client to coordinator, in answer to Challenge: who I am, and my proof.
    case register(Register)
    /// Coordinator to client, in answer to Register: the job.
    case welcome(Welcome)
    /// Coordinator to a selected client: train from this global model.
    case roundStart(RoundStart)
    /// Client to coordinator: my encoded delta for the round.
    case update(Update)
    /// Client to coordinator, before its Update in a job its clients evaluate: how the model the
    /// round's RoundStart carried scores on the client's local test split.
    case evaluation(EvaluationReport)
    /// Coordinator to client: your update for this round was accepted. Client to coordinator,
    /// with round 0, once after Welcome: my data is ready, include me in rounds.
    case ack(Ack)
    /// Either way: your input was refused; the sender closes the connection after it.
    case error(ProtocolError)
    /// Coordinator to client: the job is over, exit.
    case bye(Bye)

    /// The type byte this message travels under.
    public var type: MessageType {
        switch self {
        case .challenge: return .challenge
        case .register: return .register
        case .welcome: return .welcome
        case .roundStart: return .roundStart
        case .update: return .update
        case .evaluation: return .evaluation
        case .ack: return .ack
        case .error: return .error
        case .bye: return .bye
        }
    }
}

/// A client's introduction.
public struct Register: Sendable, Equatable {
    /// The client's id, 0 ..< the job's client count; it decides the client's data shard.
    public var clientID: UInt32
    /// Name of the device profile the client models (energy accounting).
    public var device: String
    /// Name of the link profile the client models (energy accounting).
    public var link: String
    /// HMAC-SHA256 proof over the connection's nonce (``ClientAuthentication``); empty without a secret.
    public var proof: [UInt8]

    /// Creates a Register message.
    public init(clientID: UInt32, device: String, link: String, proof: [UInt8] = []) {
        self.clientID = clientID
        self.device = device
        self.link = link
        self.proof = proof
    }
}

/// The coordinator's per-connection nonce.
public struct Challenge: Sendable, Equatable {
    /// ``ClientAuthentication/nonceSize`` random bytes.
    public var nonce: [UInt8]

    /// Creates a Challenge message.
    public init(nonce: [UInt8]) { self.nonce = nonce }
}

/// The job, as JSON text (its schema is in docs/PROTOCOL.md).
public struct Welcome: Sendable, Equatable {
    /// The job configuration, UTF-8 JSON.
    public var jobJSON: String

    /// Creates a Welcome message.
    public init(jobJSON: String) { self.jobJSON = jobJSON }
}

/// The start of a round for one client.
public struct RoundStart: Sendable, Equatable {
    /// 1-based round number.
    public var round: UInt32
    /// Local epochs to train.
    public var localEpochs: UInt32
    /// Time the coordinator waits for the update, from sending this message, in milliseconds.
    public var deadlineMilliseconds: UInt32
    /// Learning rate for this round's local SGD.
    public var learningRate: Float
    /// The number the coordinator gives the model this message leaves the client holding.
    public var modelVersion: UInt32
    /// 0 when the first of `models` is the whole model; otherwise it is the difference from the
    /// model of this version, which the client holds from an earlier RoundStart.
    public var baseVersion: UInt32
    /// The most minibatch steps the client may train this round, the work that fits its device-time
    /// budget (`--straggler-policy partial`); 0: every step of the local epochs.
    public var stepLimit: UInt32
    /// The model as a chain, applied in order: the first is the whole model or its difference from
    /// the base version's, and each next one a difference added to what those before it made (a
    /// client that missed rounds catches up through the differences it missed). At least one, at
    /// most ``maximumChain``.
    public var models: [EncodedTensor]

    /// The most tensors one RoundStart's chain may hold.
    public static let maximumChain = 1024

    /// Creates a RoundStart message.
    public init(
        round: UInt32, localEpochs: UInt32, deadlineMilliseconds: UInt32, learningRate: Float, modelVersion: UInt32 = 0,
        baseVersion: UInt32 = 0, stepLimit: UInt32 = 0, models: [EncodedTensor]
    ) {
        self.round = round
        self.localEpochs = localEpochs
        self.deadlineMilliseconds = deadlineMilliseconds
        self.learningRate = learningRate
        self.modelVersion = modelVersion
        self.baseVersion = baseVersion
        self.stepLimit = stepLimit
        self.models = models
    }
}

/// A client's result for one round.
public struct Update: Sendable, Equatable {
    /// The round this answers.
    public var round: UInt32
    /// Training samples behind the delta (the aggregation weight).
    public var sampleCount: UInt32
    /// Mean training loss over the local epochs.
    public var trainLoss: Double
    /// Analytic FLOPs of the local training.
    public var flops: UInt64
    /// CPU-seconds the client's training thread spent.
    public var cpuSeconds: Double
    /// Wall seconds the client spent encoding the delta.
    public var encodeSeconds: Double
    /// The encoded delta, local model minus the global model received.
    public var delta: EncodedTensor

    /// Creates an Update message.
    public init(
        round: UInt32, sampleCount: UInt32, trainLoss: Double, flops: UInt64, cpuSeconds: Double, encodeSeconds: Double = 0,
        delta: EncodedTensor
    ) {
        self.round = round
        self.sampleCount = sampleCount
        self.trainLoss = trainLoss
        self.flops = flops
        self.cpuSeconds = cpuSeconds
        self.encodeSeconds = encodeSeconds
        self.delta = delta
    }

    /// The bytes of its payload: six fixed fields (40 bytes), the tensor's 9-byte header and its bytes.
    var payloadBytes: Int { 49 + delta.bytes.count }

    /// The bytes of its whole frame on the wire (header, payload, CRC-32), without encoding it.
    public var frameBytes: Int { Frame.headerSize + payloadBytes + Frame.trailerSize }
}

/// A client's federated evaluation of the global model it received for a round, on its local test
/// split (docs/PROTOCOL.md, Evaluation).
public struct EvaluationReport: Sendable, Equatable {
    /// The round whose RoundStart carried the model evaluated.
    public var round: UInt32
    /// Test examples evaluated (the weight of this evaluation in the round's means).
    public var examples: UInt32
    /// Mean loss over those examples.
    public var loss: Double
    /// Fraction of those examples classified correctly.
    public var accuracy: Double

    /// Creates an Evaluation message.
    public init(round: UInt32, examples: UInt32, loss: Double, accuracy: Double) {
        self.round = round
        self.examples = examples
        self.loss = loss
        self.accuracy = accuracy
    }
}

/// Acceptance of an update (coordinator to client), or readiness (client to coordinator, round 0).
public struct Ack: Sendable, Equatable {
    /// The round whose update was accepted; 0 for a client's readiness.
    public var round: UInt32

    /// Creates an Ack message.
    public init(round: UInt32) { self.round = round }
}

/// A refusal, with a code and a human-readable text.
public struct ProtocolError: Sendable, Equatable {
    /// Why.
    public var code: ErrorCode
    /// Details.
    public var text: String

    /// Creates an Error message.
    public init(code: ErrorCode, text: String) {
        self.code = code
        self.text = text
    }
}

/// The end of the job.
public struct Bye: Sendable, Equatable {
    /// Why the coordinator is finishing (e.g. "job complete").
    public var reason: String

    /// Creates a Bye message.
    public init(reason: String) { self.reason = reason }
}
