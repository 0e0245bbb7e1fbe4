// Trains the MLP 784-128-10 for one epoch on 6,000 Fashion-MNIST samples (batch 32, lr 0.1) with
// FedWatt's trainer, then has numpy run the same math on the same data, initial weights and batch
// order, and prints samples/s for both, their ratio, and how far the two final weights differ.
//
// Usage: train-benchmark NUMPY_SCRIPT [REPEATS]   (Benchmarks/run-training-benchmark.sh runs it)
import FedData
import FedLearning
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: train-benchmark NUMPY_SCRIPT [REPEATS]\n".utf8))
    exit(2)
}
let numpyScript = arguments[1]
let repeats = arguments.count > 2 ? Int(arguments[2]) ?? 7 : 7
let sampleCount = 6_000
let architecture = ModelArchitecture.mlp(inputs: 784, hidden: [128], classes: 10)
let sgd = SGDConfiguration(learningRate: 0.1, batchSize: 32)
let seed: UInt64 = 1

let data = try FashionMNIST.load(.train).subset(0..<sampleCount)
let initial = architecture.initialParameters(seed: seed)

/// One epoch from the initial weights; returns the final weights and the wall time of training alone.
func epoch() throws -> (parameters: [Float], seconds: Double) {
    let trainer = try LocalTrainer(architecture: architecture, configuration: sgd)
    var parameters = initial
    var generator = SeededGenerator(seed: seed)
    let start = DispatchTime.now().uptimeNanoseconds
    _ = try trainer.train(parameters: &parameters, on: data, epochs: 1, generator: &generator)
    return (parameters, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
}

// The trainer shuffles 0..<n with a generator of this seed before the epoch: numpy follows the same order.
var orderGenerator = SeededGenerator(seed: seed)
var order = Array(0..<sampleCount)
order.shuffle(using: &orderGenerator)

_ = try epoch()  // warm-up: page in, let OpenBLAS set up
var swiftTimes = [Double]()
var finalParameters = [Float]()
for _ in 0..<repeats {
    let run = try epoch()
    swiftTimes.append(run.seconds)
    finalParameters = run.parameters
}

let exchange = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-train-benchmark-\(getpid())")
try FileManager.default.createDirectory(at: exchange, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: exchange) }
func write<T>(_ values: [T], _ name: String) throws {
    try values.withUnsafeBytes { try Data($0).write(to: exchange.appendingPathComponent(name)) }
}
try write(data.pixels, "pixels.u8")
try write(data.labels, "labels.u8")
try write(order.map(Int32.init), "order.i32")
try write(initial, "initial.f32")
try write(finalParameters, "swift-final.f32")

let python = Process()
python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
python.arguments = ["python3", numpyScript, exchange.path, String(repeats)]
// numpy inherits this process's environment: the same OPENBLAS_* settings and one thread.
var numpyEnvironment = ProcessInfo.processInfo.environment
numpyEnvironment["OPENBLAS_NUM_THREADS"] = "1"
python.environment = numpyEnvironment
let pipe = Pipe()
python.standardOutput = pipe
try python.run()
let output = pipe.fileHandleForReading.readDataToEndOfFile()
python.waitUntilExit()
guard python.terminationStatus == 0,
    let numpy = try JSONSerialization.jsonObject(with: output) as? [String: Any],
    let numpySeconds = numpy["median_seconds"] as? Double,
    let maxDifference = numpy["max_abs_weight_difference"] as? Double
else {
    FileHandle.standardError.write(Data("numpy benchmark failed: \(String(decoding: output, as: UTF8.self))\n".utf8))
    exit(1)
}

let swiftSeconds = swiftTimes.sorted()[swiftTimes.count / 2]
let swiftRate = Double(sampleCount) / swiftSeconds
let numpyRate = Double(sampleCount) / numpySeconds
print("MLP 784-128-10, 1 epoch of \(sampleCount) Fashion-MNIST samples, batch 32, lr 0.1, median of \(repeats)")
print(String(format: "fedwatt  %9.0f samples/s  (%.1f ms/epoch, %@, 1 thread)",
    swiftRate, swiftSeconds * 1e3, BLASBackend.description))
print(String(format: "numpy    %9.0f samples/s  (%.1f ms/epoch, numpy %@, %@, 1 thread)",
    numpyRate, numpySeconds * 1e3, numpy["numpy_version"] as? String ?? "?", numpy["blas"] as? String ?? "?"))
print(String(format: "ratio    %.2fx  (fedwatt / numpy)", swiftRate / numpyRate))
print(String(format: "same math: largest weight difference after the epoch %.2e", maxDifference))
