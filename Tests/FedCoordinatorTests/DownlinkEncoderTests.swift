import FedCodec
import FedData
import Testing

@testable import FedCoordinator

/// A client's copy of the model: what it holds after applying each round start it is sent.
struct ClientCopy {
    var version: UInt32 = 0
    var model: [Float]?

    mutating func apply(_ sent: DownlinkEncoder.Plan.Model, version: UInt32) throws {
        var values = try TensorCodec.decode(sent.tensor, expectedCount: sent.tensor.valueCount)
        if sent.base != 0 {
            let held = try #require(model)
            #expect(self.version == sent.base)
            for i in values.indices { values[i] += held[i] }
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
        var encoder = DownlinkEncoder(codec: int8, sendsDifferences: false, catchUpWhole: true)
        var generator = SeededGenerator(seed: 1)
        let global = (0..<1000).map { Float($0) / 1000 }
        encoder.answered(0)
        _ = try encoder.plan(global: global, selected: [0, 1], generator: &generator)
        encoder.answered(0)
        let plan = try encoder.plan(global: global, selected: [0, 1], generator: &generator)
        #expect(plan.difference == nil && plan.model(for: 0).base == 0 && plan.model(for: 1).base == 0)
        #expect(plan.version == 2)
        #expect(plan.whole.sizes.encoded < 1000 * 4)
    }

    @Test func holdersGetTheDifferenceAndEveryCopyStaysTheReference() throws {
        var encoder = DownlinkEncoder(codec: int8, sendsDifferences: true, catchUpWhole: true)
        var generator = SeededGenerator(seed: 2)
        var global = (0..<4096).map { _ in Float.random(in: -1...1, using: &generator) }
        var copies = [ClientCopy](repeating: ClientCopy(), count: 3)

        // Round 1: nobody holds a model, so everyone gets it whole, under the codec.
        var plan = try encoder.plan(global: global, selected: [0, 1, 2], generator: &generator)
        #expect((0..<3).allSatisfy { plan.model(for: $0).base == 0 })
        for client in 0..<3 { try copies[client].apply(plan.model(for: client), version: plan.version) }
        encoder.answered(0)
        encoder.answered(1)  // client 2 drops out of round 1

        for _ in 2...20 {
            wander(&global, generator: &generator)
            let previous = plan.version
            plan = try encoder.plan(global: global, selected: [0, 1, 2], generator: &generator)
            // Clients 0 and 1 answered the last round start: a difference from it. Client 2 did
            // not: the reference, whole and lossless.
            #expect(plan.model(for: 0).base == previous && plan.model(for: 1).base == previous)
            #expect(plan.model(for: 2).base == 0)
            #expect(plan.model(for: 2).tensor.codec == .float32)
            #expect(plan.model(for: 0).sizes.encoded < plan.model(for: 2).sizes.encoded / 3)
            for client in 0..<3 { try copies[client].apply(plan.model(for: client), version: plan.version) }
            // Bit for bit, the holders' sums are the model the others were sent.
            #expect(copies[0].model == copies[2].model && copies[1].model == copies[2].model)
            encoder.answered(0)
            encoder.answered(1)
        }
        // Coding errors do not pile up: after 19 differences the copies are as close to the global
        // model as one int8 step of a 0.01-sized difference allows, not 19 of them.
        let error = zip(copies[0].model!, global).map { abs($0 - $1) }.max()!
        #expect(error < 0.03 / 127)
    }

    @Test func withSampledClientsTheOthersGetTheCodedGlobalModelAndStayWithoutTheReference() throws {
        var encoder = DownlinkEncoder(codec: int8, sendsDifferences: true, catchUpWhole: false)
        var generator = SeededGenerator(seed: 4)
        var global = (0..<512).map { _ in Float.random(in: -1...1, using: &generator) }
        _ = try encoder.plan(global: global, selected: [0, 1], generator: &generator)
        encoder.answered(0)
        encoder.answered(1)
        wander(&global, generator: &generator)
        var plan = try encoder.plan(global: global, selected: [1, 2], generator: &generator)
        // Client 1 holds the reference: a difference. Client 2 does not: the global model under
        // the codec, as without differences, not a lossless copy of the reference.
        #expect(plan.model(for: 1).base == 1)
        #expect(plan.model(for: 2).base == 0 && plan.model(for: 2).tensor.codec != .float32)
        #expect(plan.model(for: 2).sizes == TensorCodec.encode(global, spec: int8, generator: &generator).sizes)
        encoder.answered(1)
        encoder.answered(2)
        // Client 2's copy is not the reference, so it gets a whole model again.
        plan = try encoder.plan(global: global, selected: [1, 2], generator: &generator)
        #expect(plan.model(for: 1).base == 2 && plan.model(for: 2).base == 0)
    }

    @Test func aClientThatConnectedAnewGetsTheWholeModel() throws {
        var encoder = DownlinkEncoder(codec: int8, sendsDifferences: true, catchUpWhole: true)
        var generator = SeededGenerator(seed: 3)
        let global = [Float](repeating: 0.5, count: 256)
        _ = try encoder.plan(global: global, selected: [0, 1], generator: &generator)
        encoder.answered(0)
        encoder.answered(1)
        encoder.forget(1)
        let plan = try encoder.plan(global: global, selected: [0, 1], generator: &generator)
        #expect(plan.model(for: 0).base == 1 && plan.model(for: 1).base == 0)
        // A client not selected this round holds an older model: next round it gets the whole one.
        encoder.answered(0)
        let next = try encoder.plan(global: global, selected: [1], generator: &generator)
        #expect(next.model(for: 1).base == 0 && next.difference == nil)
    }
}
