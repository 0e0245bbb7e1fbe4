// Writes the fuzzer's seed corpus: valid frames of every message type and valid tensors of every
// codec pipeline, in the layout fuzz-decoders reads (tensors: codec byte, u16 value count, bytes).
// Usage: make-fuzz-corpus DIR
import FedCodec
import FedCoordinator
import FedData
import FedWire
import Foundation

let directory = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Corpus")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
func save(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: directory.appendingPathComponent(name)) }

var generator = SeededGenerator(seed: 1)
let values = (0..<300).map { _ in Float(generator.nextNormal() * 0.1) }
for spec in [
    "none", "zlib", "fp16+zlib", "int8:16", "int8:stochastic+zlib", "qsgd:4+zlib", "sign", "topk:0.05", "topk:0.5+int8+zlib",
    "int4:16", "int2:64:stochastic+zlib:rle", "int2+range", "qsgd:4+range", "topk:0.1+int4+range",
] {
    let tensor = TensorCodec.encode(values, spec: try CodecSpec(parsing: spec), generator: &generator).tensor
    try save("tensor-" + spec.replacingOccurrences(of: ":", with: "_"), [tensor.codec.rawValue, 44, 1] + tensor.bytes)
    let update = Message.update(Update(round: 1, sampleCount: 10, trainLoss: 1, flops: 1, cpuSeconds: 0.1, delta: tensor))
    try save("frame-update-" + spec.replacingOccurrences(of: ":", with: "_"), Array(buffer: update.encodedFrame()))
}
let messages: [(String, Message)] = [
    ("challenge", .challenge(Challenge(nonce: ClientAuthentication.makeNonce()))),
    ("register", .register(Register(clientID: 3, device: "rpi4", link: "lte"))),
    ("register-proof", .register(Register(clientID: 3, device: "rpi4", link: "lte", proof: Array(repeating: 9, count: 32)))),
    ("welcome", .welcome(Welcome(jobJSON: #"{"seed":1,"clientCount":10}"#))),
    ("ack", .ack(Ack(round: 0))),
    ("error", .error(ProtocolError(code: .wrongShape, text: "tensor declares 3 values"))),
    ("bye", .bye(Bye(reason: "job complete"))),
    ("roundstart", .roundStart(RoundStart(round: 2, localEpochs: 1, deadlineMilliseconds: 1000, learningRate: 0.1, models: [TensorCodec.encode(values)]))),
    ("roundstart-difference", .roundStart(RoundStart(
        round: 3, localEpochs: 1, deadlineMilliseconds: 1000, learningRate: 0.1, modelVersion: 3, baseVersion: 2,
        models: [TensorCodec.encode(values)]))),
    ("roundstart-chain", .roundStart(RoundStart(
        round: 5, localEpochs: 1, deadlineMilliseconds: 1000, learningRate: 0.1, modelVersion: 5, baseVersion: 2,
        models: [TensorCodec.encode(values), TensorCodec.encode(values), TensorCodec.encode(values)]))),
    ("roundstart-step-limit", .roundStart(RoundStart(
        round: 4, localEpochs: 5, deadlineMilliseconds: 1000, learningRate: 0.1, stepLimit: 17, models: [TensorCodec.encode(values)]))),
]
for (name, message) in messages { try save("frame-" + name, Array(buffer: message.encodedFrame())) }
let checkpoint = Checkpoint(header: .init(jobJSON: "{}", round: 3, attempt: 1, ledgerBytes: 100), global: Array(values[..<20]), strategyState: [])
try save("checkpoint", try checkpoint.encoded())
print("wrote the seed corpus to \(directory.path)")
