import FedCodec
import FedData
import Testing

@testable import FedCoordinator

/// A client's copy of the model: what it holds after applying each round start it is sent.
struct ClientCopy {
    var version: UInt32 = 0
    var model: [Float]?

    /// Applies `sent` as a client does: the first tensor whole or added to the base it names, then
    /// each further difference added in order.
    mutating func apply(_ sent: DownlinkEncoder.Plan.Model, version: UInt32) throws {
        var values = try TensorCodec.decode(sent.tensors[0], expectedCount: sent.tensors[0].valueCount)
        if sent.base != 0 {
            let held = try #require(model)
            #expect(self.version == sent.base)
            for i in values.indices { values[i] += held[i] }
        }
        for difference in sent.tensors.dropFirst() {
            let decoded = try TensorCodec.decode(difference, expectedCount: values.count)
            for i in values.indices { values[i] += decoded[i] }
        }
        (self.version, model) = (version, values)
    }
}

@Suite struct DownlinkEncoderTests {
    let int8 = try! CodecSpec(parsing: "int8+zlib")

    /// A global model that wanders a little each round, as training moves it.
    func wander(_ model: inout [Float], generator: inout SeededGenerator) {
        for i in model.indices { model[i] += Float.random(in: -0.01...0.01, using: &generator) }
    }

    @Test func withoutDifferencesEveryoneGetsTheWholeModelUnderTheCodec() throws {
        var encoder = DownlinkEncoder(codec: int8, sendsDifferences: false)
        var generator = SeededGenerator(seed: 1)
        let global = (0..<1000).map { Float($0) / 1000 }
        encoder.answered(0)
        _ = try encoder.plan(global: global, selected: [0, 1], generator: &generator)
        encoder.answered(0)
        let plan = try encoder.plan(global: global, selected: [0, 1], generator: &generator)
        #expect(plan.models.count == 1 && plan.model(for: 0).base == 0 && plan.model(for: 1).base == 0)
        #expect(plan.model(for: 0).tensors.count == 1)
        #expect(plan.version == 2)
        #expect(plan.sizes.encoded < 1000 * 4)
    }

    @Test func holdersGetTheDifferenceAndEveryCopyStaysTheReference() throws {
        var encoder = DownlinkEncoder(codec: int8, sendsDifferences: true)
        var generator = SeededGenerator(seed: 2)
        var global = (0..<4096).map { _ in Float.random(in: -1...1, using: &generator) }
        var copies = [ClientCopy](repeating: ClientCopy(), count: 3)

        // Round 1: nobody holds a model, so everyone gets it whole, under the codec.
        var plan = try encoder.plan(global: global, selected: [0, 1, 2], generator: &generator)
        #expect((0..<3).allSatisfy { plan.model(for: $0).base == 0 })
        for client in 0..<3 { try copies[client].apply(plan.model(for: client), version: plan.version) }
        encoder.answered(0)
        encoder.answered(1)  // client 2 drops out of round 1: the coordinator does not know what it holds

        for round in 2...20 {
            wander(&global, generator: &generator)
            let previous = plan.version
            plan = try encoder.plan(global: global, selected: [0, 1, 2], generator: &generator)
            // Clients 0 and 1 answered the last round start: its difference alone.
            #expect(plan.model(for: 0).base == previous && plan.model(for: 1).base == previous)
            #expect(plan.model(for: 0).tensors.count == 1)
            if round == 2 {
                // Client 2 did not: every encoding from the first, which is smaller than the model uncompressed.
                #expect(plan.model(for: 2).base == 0 && plan.model(for: 2).tensors.count == 2)
                #expect(plan.model(for: 2).sizes.encoded < 4096 * 4)
            }
            for client in 0..<3 { try copies[client].apply(plan.model(for: client), version: plan.version) }
            // Bit for bit, every copy is the reference.
            #expect(copies.allSatisfy { $0.model == encoder.reference })
            for client in 0..<3 { encoder.answered(client) }
        }
        // Coding errors do not pile up: after 19 differences the copies are as close to the global
        // model as one int8 step of a 0.01-sized difference allows, not 19 of them.
        let error = zip(copies[0].model!, global).map { abs($0 - $1) }.max()!
        #expect(error < 0.03 / 127)
    }

    /// Sampled clients sit out rounds: when selected again each gets the differences it missed, in
    /// order, and its copy is the reference bit for bit, for fewer bytes than the model whole.
    @Test func aSampledClientCatchesUpThroughTheDifferencesItMissed() throws {
        let topK = try CodecSpec(parsing: "topk:0.05+int4+zlib")
        var encoder = DownlinkEncoder(codec: topK, sendsDifferences: true)
        var generator = SeededGenerator(seed: 4)
        var global = (0..<2048).map { _ in Float.random(in: -1...1, using: &generator) }
        var copies = [ClientCopy](repeating: ClientCopy(), count: 6)
        var selection = SeededGenerator(seed: 9)
        var chains: [Int] = []
        for _ in 1...30 {
            let selected = Array((0..<6).shuffled(using: &selection).prefix(2)).sorted()
            let plan = try encoder.plan(global: global, selected: selected, generator: &generator)
            for client in selected {
                let sent = plan.model(for: client)
                try copies[client].apply(sent, version: plan.version)
                #expect(copies[client].model == encoder.reference)
                #expect(sent.sizes.encoded < 2048 * 4 || sent.tensors[0].codec == .float32)
                chains.append(sent.tensors.count)
                encoder.answered(client)
            }
            wander(&global, generator: &generator)
        }
        #expect(chains.contains { $0 > 2 }, "no client ever missed more than one round")
    }

    /// Once the differences a client missed add up to the model's size uncompressed, it gets the
    /// reference whole and lossless instead, and the encodings nobody would be sent are let go.
    @Test func aChainAsLargeAsTheModelIsReplacedByTheReferenceLossless() throws {
        var encoder = DownlinkEncoder(codec: int8, sendsDifferences: true)
        var generator = SeededGenerator(seed: 5)
        var global = (0..<256).map { _ in Float.random(in: -1...1, using: &generator) }
        var copy = ClientCopy()
        try copy.apply(try encoder.plan(global: global, selected: [0, 1], generator: &generator).model(for: 1), version: 1)
        encoder.answered(0)
        encoder.answered(1)
        // int8 differences of 256 values are about a quarter of the model's 1,024 bytes: client 1
        // sits out enough rounds for its chain to outgrow the model.
        var plan: DownlinkEncoder.Plan
        repeat {
            wander(&global, generator: &generator)
            plan = try encoder.plan(global: global, selected: [0], generator: &generator)
            encoder.answered(0)
        } while plan.version < 8
        plan = try encoder.plan(global: global, selected: [0, 1], generator: &generator)
        let sent = plan.model(for: 1)
        #expect(sent.base == 0 && sent.tensors.count == 1 && sent.tensors[0].codec == .float32)
        try copy.apply(sent, version: plan.version)
        #expect(copy.model == encoder.reference)
    }

    @Test func aClientThatConnectedAnewGetsEveryEncodingFromTheFirst() throws {
        var encoder = DownlinkEncoder(codec: int8, sendsDifferences: true)
        var generator = SeededGenerator(seed: 3)
        var global = (0..<4096).map { _ in Float.random(in: -1...1, using: &generator) }
        _ = try encoder.plan(global: global, selected: [0, 1], generator: &generator)
        encoder.answered(0)
        encoder.answered(1)
        encoder.forget(1)
        wander(&global, generator: &generator)
        let plan = try encoder.plan(global: global, selected: [0, 1], generator: &generator)
        #expect(plan.model(for: 0).base == 1 && plan.model(for: 0).tensors.count == 1)
        #expect(plan.model(for: 1).base == 0 && plan.model(for: 1).tensors.count == 2)
        var copy = ClientCopy()
        try copy.apply(plan.model(for: 1), version: plan.version)
        #expect(copy.model == encoder.reference)
    }
}
