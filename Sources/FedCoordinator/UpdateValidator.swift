import FedCodec
import FedLearning
import FedLedger
import FedWire

/// The coordinator's checks on an Update: every number from the wire is range-checked before it is
/// converted or used, and the delta is decoded and checked whole, so nothing a client sends can trap
/// a conversion, make an aggregate or a ledger figure non-finite, or poison the global model.
public struct UpdateValidator: Sendable {
    /// The job the update belongs to (its model, local epochs and batch size give the FLOP count).
    public let job: FederatedJob
    /// Each client's shard size, which caps the samples it may claim (and so its aggregation weight).
    public let shardSizes: [Int]
    /// Each client's local test split size, which caps the examples its federated evaluation may
    /// claim (empty for a job the coordinator evaluates).
    public let testSplitSizes: [Int]

    /// A validator for `job`, whose clients hold shards of `shardSizes` samples and test splits of
    /// `testSplitSizes` examples (client 0 first).
    public init(job: FederatedJob, shardSizes: [Int], testSplitSizes: [Int] = []) {
        self.job = job
        self.shardSizes = shardSizes
        self.testSplitSizes = testSplitSizes
    }

    /// The largest train loss magnitude accepted: far above any real cross-entropy, low enough that
    /// no sample-weighted sum over a fleet can overflow.
    public static let maximumTrainLoss = 1e6
    /// The largest CPU or encoding time accepted, in seconds (about 115 days).
    public static let maximumSeconds = 1e7
    /// The largest delta value magnitude accepted: far above a real step, low enough that the model
    /// and its evaluation stay finite.
    public static let maximumDeltaMagnitude: Float = 1e4
    /// How far the reported FLOPs may be from the model's analytic count.
    public static let flopsTolerance = 0.01
    /// The most FLOPs accepted for one update of an external model, which has no analytic count:
    /// 10^15, 14 hours of a 20 GFLOP/s phone, low enough that a fleet's sums stay in range.
    public static let maximumReportedFLOPs: UInt64 = 1_000_000_000_000_000

    /// An update that passed every check, its numbers converted.
    public struct Accepted: Sendable {
        /// The samples behind the delta: its aggregation weight, at most the client's shard.
        public var sampleCount: Int
        /// The client's mean training loss.
        public var trainLoss: Double
        /// The client's FLOPs, within the tolerance of the model's analytic count.
        public var flops: Int
        /// The client's training CPU-seconds.
        public var cpuSeconds: Double
        /// The client's encoding seconds.
        public var encodeSeconds: Double
        /// The decoded delta: the model's length, every value finite and bounded.
        public var delta: [Float]
        /// The delta's L2 norm.
        public var norm: Double
        /// The delta's sizes after each stage; `encoded` is the payload's length.
        public var sizes: StageSizes
    }

    /// Checks `update` from `client` (a registered id, below the job's client count), whose RoundStart
    /// allowed `stepLimit` minibatch steps (nil: its whole local epochs), or throws the refusal naming
    /// the first field that is wrong.
    public func validate(_ update: Update, from client: Int, stepLimit: Int? = nil) throws(WireError) -> Accepted {
        guard update.sampleCount > 0 else { throw WireError(.malformedPayload, "update with 0 samples") }
        let samples = Int(update.sampleCount)
        guard samples <= shardSizes[client] else {
            throw WireError(
                .valueOutOfRange, "sample count \(samples) is more than the \(shardSizes[client]) samples of client \(client)'s shard")
        }
        try Self.check(update.trainLoss, "train loss", within: -Self.maximumTrainLoss...Self.maximumTrainLoss)
        try Self.check(update.cpuSeconds, "CPU-seconds", within: 0...Self.maximumSeconds)
        try Self.check(update.encodeSeconds, "encode seconds", within: 0...Self.maximumSeconds)
        let work = job.localWork(samples: samples, stepLimit: stepLimit)
        if let expected = job.trainingFLOPs(work) {
            guard abs(Double(update.flops) - Double(expected)) <= Self.flopsTolerance * Double(expected) else {
                throw WireError(
                    .flopsMismatch,
                    "\(update.flops) FLOPs reported; the model's analytic count for \(samples) samples and \(job.localEpochs) local epochs"
                        + (work.isPartial ? " cut at \(work.steps) steps" : "") + " is \(expected) (1% tolerance)")
            }
        } else {
            guard update.flops <= Self.maximumReportedFLOPs else {
                throw WireError(.valueOutOfRange, "FLOPs are \(update.flops); the coordinator accepts 0 to \(Self.maximumReportedFLOPs)")
            }
        }
        let decoded: (values: [Float], sizes: StageSizes)
        do {
            decoded = try TensorCodec.decodeWithSizes(update.delta, expectedCount: job.model.parameterCount)
        } catch let error as CodecError {
            throw WireError(error)
        } catch {
            throw WireError(.badEncoding, "\(error)")
        }
        let (norm, bounded) = Self.normAndBound(decoded.values)
        if !bounded {
            if let bad = decoded.values.firstIndex(where: { !$0.isFinite }) {
                throw WireError(.nonFiniteValues, "delta value \(bad) is \(decoded.values[bad])")
            }
            let bad = decoded.values.firstIndex { abs($0) > Self.maximumDeltaMagnitude }!
            throw WireError(
                .valueOutOfRange, "delta value \(bad) is \(decoded.values[bad]); magnitudes up to \(Self.maximumDeltaMagnitude) are accepted")
        }
        return Accepted(
            sampleCount: samples, trainLoss: update.trainLoss, flops: Int(update.flops), cpuSeconds: update.cpuSeconds,
            encodeSeconds: update.encodeSeconds, delta: decoded.values, norm: norm, sizes: decoded.sizes)
    }

    /// The L2 norm of `delta` (its squares summed in `Double`, in index order) and whether every
    /// value is finite and at most ``maximumDeltaMagnitude`` in magnitude, in one pass: the sum's
    /// chain of additions sets its pace, and the bound is checked beside it without a branch.
    static func normAndBound(_ delta: [Float]) -> (norm: Double, bounded: Bool) {
        delta.withUnsafeBufferPointer { values in
            var sum = 0.0
            var outside: UInt32 = 0
            for value in values {
                sum += Double(value) * Double(value)
                outside |= value.magnitude <= maximumDeltaMagnitude ? 0 : 1  // NaN is outside too
            }
            return (sum.squareRoot(), outside == 0)
        }
    }

    /// Checks a federated evaluation from `client` (a registered id) and returns it as the ledger
    /// keeps it, or throws the refusal naming the first field that is wrong: the examples must be
    /// positive [6] and at most the client's test split [21], the loss finite [11] and of magnitude
    /// at most ``maximumTrainLoss`` [21], the accuracy finite [11] and in 0...1 [21].
    public func validate(_ evaluation: EvaluationReport, from client: Int) throws(WireError) -> ClientEvaluation {
        guard evaluation.examples > 0 else { throw WireError(.malformedPayload, "evaluation with 0 examples") }
        let examples = Int(evaluation.examples)
        guard examples <= testSplitSizes[client] else {
            throw WireError(
                .valueOutOfRange,
                "evaluation examples \(examples) are more than the \(testSplitSizes[client]) examples of client \(client)'s test split")
        }
        try Self.check(evaluation.loss, "evaluation loss", within: -Self.maximumTrainLoss...Self.maximumTrainLoss)
        try Self.check(evaluation.accuracy, "evaluation accuracy", within: 0...1)
        return ClientEvaluation(examples: examples, loss: evaluation.loss, accuracy: evaluation.accuracy)
    }

    /// Throws ``ErrorCode/nonFiniteValues`` or ``ErrorCode/valueOutOfRange`` naming `field` unless `value` is in `range`.
    private static func check(_ value: Double, _ field: String, within range: ClosedRange<Double>) throws(WireError) {
        guard value.isFinite else { throw WireError(.nonFiniteValues, "\(field) is \(value), not a finite number") }
        guard range.contains(value) else {
            throw WireError(.valueOutOfRange, "\(field) is \(value); the coordinator accepts \(range.lowerBound) to \(range.upperBound)")
        }
    }
}
