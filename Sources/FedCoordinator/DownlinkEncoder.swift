import FedCodec
import FedData
import FedWire

/// What each round start carries as the model: the global model under the downlink codec or, when
/// the coordinator sends differences, the global model minus the *reference*, the model its clients
/// reconstructed from the previous round start.
///
/// The reference moves on by exactly what the clients decode, so their copies and the reference
/// stay identical and coding errors do not pile up: each difference carries what the last one left
/// out. A difference goes only to clients known to hold the reference (they answered a round start
/// that left them holding it). The others get a whole model: the new reference, lossless, when every
/// client takes part in every round (so they hold it from then on); otherwise the global model
/// under the codec, as without differences, since a lossless model would rarely be followed by a
/// difference.
struct DownlinkEncoder {
    /// The downlink codec.
    let codec: CodecSpec
    /// Whether to send differences from the reference (`--downlink-delta`).
    let sendsDifferences: Bool
    /// Whether clients without the reference catch up with it, lossless (every client is selected
    /// every round, so a client that catches up gets differences from the next round on).
    let catchUpWhole: Bool
    private var version: UInt32 = 0
    /// The model the clients holding the reference reconstructed from the latest round start.
    private(set) var reference: [Float]?
    /// Clients that will hold the reference once they answer the latest round start.
    private var receivingReference: Set<Int> = []
    /// Clients that answered it and so hold the reference.
    private var holders: Set<Int> = []

    /// One round start's encodings, each made once and shared by its receivers.
    struct Plan {
        /// An encoded model tensor, and the version it is a difference from (0: the whole model).
        typealias Model = (tensor: EncodedTensor, sizes: StageSizes, base: UInt32)

        /// The version of the model every receiver holds once it has applied its message.
        var version: UInt32
        /// The whole model, for clients that do not hold the reference.
        var whole: Model
        /// The difference from the reference, for the clients that hold it.
        var difference: Model?
        /// Who holds the reference.
        var holders: Set<Int>
        /// Wall seconds spent encoding.
        var seconds: Double

        /// What `client` is sent.
        func model(for client: Int) -> Model {
            if let difference, holders.contains(client) { return difference }
            return whole
        }

        /// The round's downlink encoding for the ledger: the difference when one was sent.
        var sizes: StageSizes { (difference ?? whole).sizes }
    }

    init(codec: CodecSpec, sendsDifferences: Bool, catchUpWhole: Bool) {
        self.codec = codec
        self.sendsDifferences = sendsDifferences
        self.catchUpWhole = catchUpWhole
    }

    /// Encodes the round start for `selected` and moves the reference on. Throws only if the codec
    /// cannot decode its own output.
    mutating func plan(global: [Float], selected: [Int], generator: inout SeededGenerator) throws -> Plan {
        let start = ContinuousClock.now
        version += 1
        let holding = holders.intersection(selected)
        holders = []
        typealias Encoded = (tensor: EncodedTensor, sizes: StageSizes)
        func finished(whole: Encoded, difference: Encoded? = nil) -> Plan {
            Plan(
                version: version, whole: (whole.tensor, whole.sizes, 0),
                difference: difference.map { ($0.tensor, $0.sizes, version - 1) }, holders: holding,
                seconds: start.duration(to: .now).inSeconds)
        }
        guard sendsDifferences else {
            receivingReference = []
            return finished(whole: TensorCodec.encode(global, spec: codec, generator: &generator))
        }
        guard let reference, !holding.isEmpty else {
            // Nobody holds a reference: everyone gets the global model under the codec, and
            // decodes exactly what becomes the reference.
            let whole = TensorCodec.encode(global, spec: codec, generator: &generator)
            self.reference = try TensorCodec.decode(whole.tensor, expectedCount: global.count)
            receivingReference = Set(selected)
            return finished(whole: whole)
        }
        var difference = global
        for i in difference.indices { difference[i] -= reference[i] }
        let encoded = TensorCodec.encode(difference, spec: codec, generator: &generator)
        // What the holders will decode and add, exactly.
        var next = try TensorCodec.decode(encoded.tensor, expectedCount: global.count)
        for i in next.indices { next[i] += reference[i] }
        self.reference = next
        if catchUpWhole {
            receivingReference = Set(selected)
            return finished(whole: TensorCodec.encode(next, spec: .none, generator: &generator), difference: encoded)
        }
        receivingReference = holding
        return finished(whole: TensorCodec.encode(global, spec: codec, generator: &generator), difference: encoded)
    }

    /// `client` answered the latest round start; it holds the reference if that start gave it.
    mutating func answered(_ client: Int) {
        if receivingReference.contains(client) { holders.insert(client) }
    }

    /// `client` connected anew: what it holds is unknown until it answers a round start again.
    mutating func forget(_ client: Int) {
        holders.remove(client)
        receivingReference.remove(client)
    }
}
