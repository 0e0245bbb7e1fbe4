// libFuzzer entry point over the Update path with arbitrary field values: the input is read as the
// fields of an Update (each either raw bits or one of the values that break arithmetic: 0, maxima,
// NaN, infinities, 1e308, the accepted bounds and their neighbours), encoded as a frame, sent through
// an admitted connection's whole inbound pipeline, and checked by the coordinator's UpdateValidator.
// Anything may be refused; an accepted update must leave every aggregate finite: the weighted loss
// and times summed over a 10,000-client fleet, the FedAvg step, and the model's test loss.
import FedCodec
import FedCoordinator
import FedData
import FedLearning
import FedWire
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded

/// A small job whose model evaluates in microseconds.
let job = FederatedJob(
    dataset: try! DatasetSource(parsing: "synthetic:features=4,classes=3,train=60,test=30"), model: .softmaxRegression(inputs: 4, classes: 3),
    sgd: SGDConfiguration(learningRate: 0.1, batchSize: 8), localEpochs: 2, partition: .iid, clientCount: 3, seed: 5)
let validator = UpdateValidator(job: job, shardSizes: try! job.shardSizes(trainingLabels: job.dataset.loadLabels(.train)))
let testSet = try! job.dataset.load(.test)
let initial = job.model.architecture!.initialParameters(seed: job.seed)

/// Reads fields from the fuzzer's bytes; past the end, zeros.
struct FieldReader {
    var bytes: [UInt8]
    var offset = 0

    mutating func byte() -> UInt8 {
        defer { offset += 1 }
        return offset < bytes.count ? bytes[offset] : 0
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T {
        (0..<MemoryLayout<T>.size).reduce(T.zero) { value, index in value | T(truncatingIfNeeded: byte()) << (8 * index) }
    }

    /// A Double: raw bits, or a value that breaks arithmetic.
    mutating func double(bound: Double) -> Double {
        let specials: [Double] = [0, -0.0, .nan, .infinity, -.infinity, 1e308, -1e308, bound, bound.nextUp, -bound.nextUp, .leastNonzeroMagnitude, 0.5]
        let mode = byte()
        return mode < 128 ? Double(bitPattern: integer(UInt64.self)) : specials[Int(mode) % specials.count]
    }
}

let budget = InboundBudget(limit: 1 << 16, frameTimeout: .seconds(5))
/// The Updates the connection delivered for the current input.
let received = NIOLockedValueBox<[Update]>([])
// libFuzzer calls the entry point from one thread, one input at a time: nothing else touches it.
nonisolated(unsafe) var connection = admittedConnection()

/// A connection with the coordinator's pipeline (stranger limits, then admitted, as after a Register).
func admittedConnection() -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try! channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7000)).wait()
    try! configureFedWirePipeline(
        channel: channel, counter: ByteCounter(), maximumPayloadSize: job.model.parameterCount * 6 + 4096, budget: budget,
        strangers: StrangerLimits(handshakeTimeout: .seconds(10))
    ) { event in
        if case .message(.update(let update), _) = event { received.withLockedValue { $0.append(update) } }
    }
    PeerConnection(channel: channel, counter: ByteCounter()).admit()
    channel.embeddedEventLoop.run()
    return channel
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUpdates(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var reader = FieldReader(bytes: Array(UnsafeRawBufferPointer(start: start, count: count)))
    let client = Int(reader.byte() % 3)
    let honestSamples = validator.shardSizes[client]
    let samples: UInt32 = switch reader.byte() % 4 {
    case 0: UInt32(honestSamples)
    case 1: .max
    case 2: UInt32(reader.byte())
    default: reader.integer(UInt32.self)
    }
    let honestFLOPs = UInt64(job.localTrainingFLOPs(samples: Int(samples))!)
    let flops: UInt64 = switch reader.byte() % 4 {
    case 0: honestFLOPs
    case 1: .max
    case 2: honestFLOPs &+ UInt64(bitPattern: Int64(reader.integer(Int16.self)))  // near the analytic count
    default: reader.integer(UInt64.self)
    }
    let trainLoss = reader.double(bound: UpdateValidator.maximumTrainLoss)
    let cpuSeconds = reader.double(bound: UpdateValidator.maximumSeconds)
    let encodeSeconds = reader.double(bound: UpdateValidator.maximumSeconds)
    let parameters = job.model.parameterCount
    let delta: EncodedTensor
    switch reader.byte() % 4 {
    case 0:  // raw float bits for every value
        delta = TensorCodec.encode((0..<parameters).map { _ in Float(bitPattern: reader.integer(UInt32.self)) })
    case 1:  // one value everywhere: at, around or far beyond the bound
        let specials: [Float] = [3e38, -3e38, .nan, .infinity, UpdateValidator.maximumDeltaMagnitude, UpdateValidator.maximumDeltaMagnitude.nextUp, 0.3]
        delta = TensorCodec.encode([Float](repeating: specials[Int(reader.byte()) % specials.count], count: parameters))
    case 2:  // any codec, any count, the rest as its payload
        let codec: CodecID = reader.byte() & 1 == 0 ? .float32 : .pipeline
        let values = Int(reader.integer(UInt16.self))
        delta = EncodedTensor(codec: codec, valueCount: values, bytes: Array(reader.bytes[min(reader.offset, reader.bytes.count)...]))
    default:  // a real pipeline's encoding of small values
        var generator = SeededGenerator(seed: UInt64(reader.byte()))
        let pipelines = ["none", "qsgd:4+zlib", "int8+zlib", "topk:0.5+fp16", "sign", "int4:64+range", "int2:64:stochastic+zlib:rle"]
        let spec = try! CodecSpec(parsing: pipelines[Int(reader.byte()) % pipelines.count])
        delta = TensorCodec.encode((0..<parameters).map { _ in Float(generator.nextNormal()) }, spec: spec, generator: &generator).tensor
    }
    let update = Update(
        round: 1, sampleCount: samples, trainLoss: trainLoss, flops: flops, cpuSeconds: cpuSeconds, encodeSeconds: encodeSeconds, delta: delta)

    // Through an admitted connection's pipeline, in two reads. The connection lives on from input
    // to input (a new one after a refusal closed it), as a client's does from round to round.
    received.withLockedValue { $0.removeAll() }
    if !connection.isActive { connection = admittedConnection() }
    let frame = Array(buffer: Message.update(update).encodedFrame())
    let cut = frame.count / 2
    for part in [frame[..<cut], frame[cut...]] where connection.isActive {
        _ = try? connection.writeInbound(ByteBuffer(bytes: part))
        connection.embeddedEventLoop.run()
    }
    if !connection.isActive { _ = try? connection.finish() }
    precondition(budget.heldBytes == 0, "the budget kept room after the frame was handled or its connection closed")

    for update in received.withLockedValue({ $0 }) {
        guard let accepted = try? validator.validate(update, from: client) else { continue }
        precondition(accepted.sampleCount <= honestSamples && accepted.delta.count == parameters)
        let fleet = 10_000.0
        let sums = [
            accepted.trainLoss * Double(accepted.sampleCount) * fleet, accepted.cpuSeconds * fleet, accepted.encodeSeconds * fleet,
            Double(accepted.flops) * fleet,
        ]
        precondition(sums.allSatisfy(\.isFinite), "an accepted update makes a fleet's sums non-finite: \(sums)")
        var global = initial
        var strategy = FedAvg()
        strategy.apply(meanDelta: accepted.delta, to: &global)
        precondition(global.allSatisfy(\.isFinite), "an accepted delta made the model non-finite")
        let evaluation = try! job.model.architecture!.evaluate(parameters: global, on: testSet)
        precondition(evaluation.loss.isFinite && (0...1).contains(evaluation.accuracy), "an accepted delta made the test loss \(evaluation.loss)")
    }
    return 0
}
