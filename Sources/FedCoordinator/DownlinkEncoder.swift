import FedCodec
import FedData
import FedWire

/// What each round start carries as the model: the global model under the downlink codec or, when
/// the coordinator sends differences, a chain that leaves every receiver holding the *reference*,
/// the model all its clients reconstruct.
///
/// The reference moves on each round by exactly what a difference decodes to, so coding errors do
/// not pile up: each difference carries what the last one left out. The coordinator keeps the
/// encodings the reference was built from. A client that holds an earlier version (it sat out
/// rounds, as sampled clients do) is sent the differences it missed, in order, and adds them as the
/// reference did, so its copy is the reference bit for bit; a client that holds none (new or
/// reconnected) gets every encoding from the first. Whenever a chain would be as large as the
/// reference uncompressed, that goes instead, lossless, and older encodings that only such chains
/// would use are let go.
struct DownlinkEncoder {
    /// The downlink codec.
    let codec: CodecSpec
    /// Whether to send differences from the reference (`--downlink-delta`).
    let sendsDifferences: Bool
    private var version: UInt32 = 0
    /// The model the clients holding the reference reconstructed from the latest round start.
    private(set) var reference: [Float]?
    /// The encodings the reference was built from, oldest first: the first round's whole model
    /// (until it is let go), then one difference a version.
    private var steps: [Step] = []
    /// The version each client holds, as far as the coordinator knows: the one it was sent in the
    /// last round start it answered.
    private var held: [Int: UInt32] = [:]
    /// Clients sent the latest round start: they hold its version once they answer it.
    private var receiving: Set<Int> = []

    /// One encoding the reference was built from.
    private struct Step {
        var version: UInt32
        var tensor: EncodedTensor
        var sizes: StageSizes
        /// The whole model (base 0), not a difference.
        var isWhole: Bool
    }

    /// One round start's encodings, each made once and shared by its receivers.
    struct Plan {
        /// What a client is sent: the chain of encoded tensors it applies in order, their sizes
        /// summed, and the version the first is a difference from (0: it is the whole model).
        struct Model {
            var tensors: [EncodedTensor]
            var sizes: StageSizes
            var base: UInt32

            /// The pipeline its tensors were encoded with: the downlink `codec`, or plain float32 for
            /// the lossless reference a client too far behind is sent instead of a chain.
            func spec(_ codec: CodecSpec) -> CodecSpec {
                tensors.allSatisfy { $0.codec == .float32 } ? .none : codec
            }
        }

        /// The version of the model every receiver holds once it has applied its message.
        var version: UInt32
        /// Each selected client's base, and the model sent from each base.
        var bases: [Int: UInt32]
        var models: [UInt32: Model]
        /// The round's own encoding for the ledger: this version's difference, or the whole model
        /// when no difference was made.
        var sizes: StageSizes
        /// Wall seconds spent encoding.
        var seconds: Double

        /// What selected `client` is sent.
        func model(for client: Int) -> Model { models[bases[client]!]! }
    }

    init(codec: CodecSpec, sendsDifferences: Bool) {
        self.codec = codec
        self.sendsDifferences = sendsDifferences
    }

    /// Encodes the round start for `selected` and moves the reference on. Throws only if the codec
    /// cannot decode its own output.
    mutating func plan(global: [Float], selected: [Int], generator: inout SeededGenerator) throws -> Plan {
        let start = ContinuousClock.now
        version += 1
        receiving = Set(selected)
        func everyone(_ encoded: (tensor: EncodedTensor, sizes: StageSizes)) -> Plan {
            let model = Plan.Model(tensors: [encoded.tensor], sizes: encoded.sizes, base: 0)
            return Plan(
                version: version, bases: Dictionary(uniqueKeysWithValues: selected.map { ($0, 0) }), models: [0: model],
                sizes: encoded.sizes, seconds: start.duration(to: .now).inSeconds)
        }
        guard sendsDifferences else {
            return everyone(TensorCodec.encode(global, spec: codec, generator: &generator))
        }
        guard let reference else {
            // The first round: everyone gets the global model under the codec, and decodes exactly
            // what becomes the reference.
            let whole = TensorCodec.encode(global, spec: codec, generator: &generator)
            self.reference = try TensorCodec.decode(whole.tensor, expectedCount: global.count)
            steps = [Step(version: version, tensor: whole.tensor, sizes: whole.sizes, isWhole: true)]
            return everyone(whole)
        }
        var difference = global
        for i in difference.indices { difference[i] -= reference[i] }
        let encoded = TensorCodec.encode(difference, spec: codec, generator: &generator)
        // What every receiver will decode and add, exactly.
        var next = try TensorCodec.decode(encoded.tensor, expectedCount: global.count)
        for i in next.indices { next[i] += reference[i] }
        self.reference = next
        steps.append(Step(version: version, tensor: encoded.tensor, sizes: encoded.sizes, isWhole: false))
        let lossless = encoded.sizes.raw
        while steps.count > 1, steps.count > RoundStart.maximumChain || steps.dropFirst().reduce(0, { $0 + $1.sizes.encoded }) >= lossless {
            steps.removeFirst()
        }

        var bases: [Int: UInt32] = [:]
        var models: [UInt32: Plan.Model] = [:]
        // The base each held version is sent from: its own chain, or 0 (the reference lossless, or
        // every encoding from the first when that is smaller), decided once per version.
        var sentFrom: [UInt32: UInt32] = [:]
        for client in selected {
            let holds = held[client].flatMap { chainStart(from: $0) == nil ? nil : $0 } ?? 0
            if sentFrom[holds] == nil {
                let chain = chainStart(from: holds).map { steps[$0...] } ?? []
                if !chain.isEmpty, chain.reduce(0, { $0 + $1.sizes.encoded }) < lossless {
                    sentFrom[holds] = holds
                    models[holds] = models[holds] ?? Plan.Model(tensors: chain.map(\.tensor), sizes: chain.reduce(.zero) { $0 + $1.sizes }, base: holds)
                } else {
                    sentFrom[holds] = 0
                    if models[0] == nil {
                        let whole = TensorCodec.encode(next, spec: .none, generator: &generator)
                        models[0] = Plan.Model(tensors: [whole.tensor], sizes: whole.sizes, base: 0)
                    }
                }
            }
            bases[client] = sentFrom[holds]
        }
        return Plan(version: version, bases: bases, models: models, sizes: encoded.sizes, seconds: start.duration(to: .now).inSeconds)
    }

    /// Where the chain that brings a client holding version `base` (0: none) to the reference starts
    /// in `steps`, if the steps still reach back that far.
    private func chainStart(from base: UInt32) -> Int? {
        guard let first = steps.first else { return nil }
        if base == 0 { return first.isWhole ? 0 : nil }
        let index = Int(base) + 1 - Int(first.version)
        guard steps.indices.contains(index), !steps[index].isWhole else { return nil }
        return index
    }

    /// `client` answered the latest round start, and so holds its version.
    mutating func answered(_ client: Int) {
        if receiving.contains(client) { held[client] = version }
    }

    /// `client` connected anew: what it holds is unknown until it answers a round start again.
    mutating func forget(_ client: Int) {
        held[client] = nil
        receiving.remove(client)
    }
}
