// FedWatt's local training against reference implementations of the same math, on the same data,
// initial weights and batch order, one thread each:
// - the MLP 784-128-10, one epoch on 6,000 Fashion-MNIST samples (batch 32, lr 0.1), against numpy;
// - the FedAvg paper's CNN, one epoch on the same samples at batch 32 and batch 10 (lr 0.05), against PyTorch.
// It prints samples/s for both sides, their ratio, how far the final weights differ, and the CNN's
// GFLOP/s against the single-thread SGEMM peak measured in the same run.
//
// Usage: train-benchmark NUMPY_PYTHON NUMPY_SCRIPT TORCH_PYTHON TORCH_SCRIPT [REPEATS] [CNN_REPEATS]
// (Benchmarks/run-training-benchmark.sh runs it)
import FedData
import FedLearning
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 5 else {
    FileHandle.standardError.write(Data("usage: train-benchmark NUMPY_PYTHON NUMPY_SCRIPT TORCH_PYTHON TORCH_SCRIPT [REPEATS] [CNN_REPEATS]\n".utf8))
    exit(2)
}
let (numpyPython, numpyScript, torchPython, torchScript) = (arguments[1], arguments[2], arguments[3], arguments[4])
let repeats = arguments.count > 5 ? Int(arguments[5]) ?? 7 : 7
let cnnRepeats = arguments.count > 6 ? Int(arguments[6]) ?? 3 : 3
let sampleCount = 6_000
let seed: UInt64 = 1
let data = try FashionMNIST.load(.train).subset(0..<sampleCount)

// The MLP against numpy.
let mlp = EpochRunner(
    architecture: .mlp(inputs: 784, hidden: [128], classes: 10), sgd: SGDConfiguration(learningRate: 0.1, batchSize: 32),
    data: data, seed: seed)
let mlpRun = try mlp.run(repeats: repeats)
let numpyFolder = try ReferenceRun(name: "train-benchmark-numpy")
defer { numpyFolder.remove() }
try numpyFolder.write(data.pixels, "pixels.u8")
try numpyFolder.write(data.labels, "labels.u8")
try numpyFolder.write(mlp.order.map(Int32.init), "order.i32")
try numpyFolder.write(mlp.initial, "initial.f32")
try numpyFolder.write(mlpRun.parameters, "swift-final.f32")
let numpy = try numpyFolder.run(python: numpyPython, script: numpyScript, arguments: [String(repeats)])
let numpySeconds = numpy["median_seconds"] as? Double ?? .nan
print("MLP 784-128-10, 1 epoch of \(sampleCount) Fashion-MNIST samples, batch 32, lr 0.1, median of \(repeats)")
print(String(format: "fedwatt  %9.0f samples/s  (%.1f ms/epoch, %@, 1 thread)",
    Double(sampleCount) / mlpRun.seconds, mlpRun.seconds * 1e3, BLASBackend.description))
print(String(format: "numpy    %9.0f samples/s  (%.1f ms/epoch, numpy %@, %@, 1 thread)",
    Double(sampleCount) / numpySeconds, numpySeconds * 1e3, numpy["numpy_version"] as? String ?? "?", numpy["blas"] as? String ?? "?"))
print(String(format: "ratio    %.2fx  (fedwatt / numpy)", numpySeconds / mlpRun.seconds))
print(String(format: "same math: largest weight difference after the epoch %.2e", numpy["max_abs_weight_difference"] as? Double ?? .nan))

// The CNN against PyTorch, at the paper's batch sizes.
let peak = BLASBackend.measureSGEMMGigaflops()
let cnn = try ModelArchitecture.fedAvgCNN(input: data.sampleShape, classes: data.classCount)
let batchSizes = [32, 10]
let cnnRate: Float = 0.05
/// How far the two final models' loss and accuracy on the epoch's samples may differ.
let (cnnLossTolerance, cnnAccuracyTolerance) = (0.05, 0.02)
let torchFolder = try ReferenceRun(name: "train-benchmark-torch")
defer { torchFolder.remove() }
try torchFolder.write(data.pixels, "pixels.u8")
try torchFolder.write(data.labels, "labels.u8")
var cnnRuns = [(runner: EpochRunner, seconds: Double)]()
for batchSize in batchSizes {
    let runner = EpochRunner(architecture: cnn, sgd: SGDConfiguration(learningRate: cnnRate, batchSize: batchSize), data: data, seed: seed)
    let run = try runner.run(repeats: cnnRepeats)
    try torchFolder.write(runner.order.map(Int32.init), "order.i32")
    try torchFolder.write(runner.initial, "initial.f32")
    try torchFolder.write(run.parameters, "swift-final-\(batchSize).f32")
    cnnRuns.append((runner, run.seconds))
}
let torch = try torchFolder.run(
    python: torchPython, script: torchScript,
    arguments: [String(cnnRepeats), String(cnnRate), batchSizes.map(String.init).joined(separator: ",")])
print("")
print("CNN (FedAvg paper, \(cnn.parameterCount) parameters), 1 epoch of \(sampleCount) Fashion-MNIST samples, lr \(cnnRate), median of \(cnnRepeats)")
print(String(format: "single-thread SGEMM peak (1024^3, best of 10): %.1f GFLOP/s", peak))
print("torch \(torch["torch_version"] as? String ?? "?"), \(torch["threads"] as? Int ?? 0) thread, oneDNN \(torch["mkldnn"] as? Bool ?? false)")
for (runner, seconds) in cnnRuns {
    let batch = runner.sgd.batchSize
    let reference = torch["batch\(batch)"] as? [String: Any] ?? [:]
    let torchSeconds = reference["median_seconds"] as? Double ?? .nan
    let flops = Double(runner.epochFLOPs)
    print(String(format: "batch %2d  fedwatt %6.0f samples/s (%5.2f s, %5.1f GFLOP/s, %3.0f%% of peak)  "
        + "torch %6.0f samples/s (%5.2f s, %5.1f GFLOP/s)  ratio %.2fx",
        batch, Double(sampleCount) / seconds, seconds, flops / seconds * 1e-9, flops / seconds * 1e-9 / peak * 100,
        Double(sampleCount) / torchSeconds, torchSeconds, flops / torchSeconds * 1e-9, torchSeconds / seconds))
    print(String(format: "          same math: largest weight difference %.2e, relative L2 difference %.2e (of the epoch's change)",
        reference["max_abs_weight_difference"] as? Double ?? .nan, reference["relative_l2_difference"] as? Double ?? .nan))
    // The two trajectories drift apart as float32 sums in another order cross ReLU and max-pool
    // boundaries, so the check is on what the weights do: loss and accuracy on the epoch's samples.
    let ours = reference["fedwatt_loss_accuracy"] as? [Double] ?? [.nan, .nan]
    let theirs = reference["torch_loss_accuracy"] as? [Double] ?? [.nan, .nan]
    let agree = abs(ours[0] - theirs[0]) <= cnnLossTolerance && abs(ours[1] - theirs[1]) <= cnnAccuracyTolerance
    print(String(format: "          final weights on the epoch's samples: fedwatt loss %.4f accuracy %.4f, torch loss %.4f accuracy %.4f: %@",
        ours[0], ours[1], theirs[0], theirs[1], agree ? "agree" : "DISAGREE"))
    if !agree { exit(1) }
}
