import FedCoordinator
import Testing

@Suite struct StrategyTests {
    @Test func accumulatorGivesTheSampleWeightedMean() {
        var sum = DeltaAccumulator(parameterCount: 2)
        #expect(sum.mean() == nil)
        sum.add([1, 10], weight: 1)
        sum.add([4, -2], weight: 3)
        #expect(sum.mean() == [3.25, 1])  // (1 + 12) / 4, (10 - 6) / 4
        #expect(sum.count == 2 && sum.totalWeight == 4)
    }

    @Test func fedAvgAddsTheScaledMeanDelta() {
        var global: [Float] = [1, 2]
        var plain = FedAvg()
        plain.apply(meanDelta: [0.5, -1], to: &global)
        #expect(global == [1.5, 1])
        var halved = FedAvg(serverLearningRate: 0.5)
        halved.apply(meanDelta: [0.5, -1], to: &global)
        #expect(global == [1.75, 0.5])
    }

    @Test func fedProxAggregatesLikeFedAvgAndAsksClientsForMu() {
        var strategy = FedProx(mu: 0.1)
        var global: [Float] = [1]
        strategy.apply(meanDelta: [2], to: &global)
        #expect(global == [3])
        #expect(strategy.proximalMu == 0.1 && FedAvg().proximalMu == 0)
    }

    @Test func fedAdamFirstStepByHand() {
        // m = 0.1 * 0.2 = 0.02; v = 0.99 * 1e-6 + 0.01 * 0.04 = 4.0099e-4; step = 0.01 * 0.02 / (sqrt(v) + 1e-3).
        var strategy = FedAdam(optimizer: FedOpt(learningRate: 0.01, beta1: 0.9, beta2: 0.99, tau: 1e-3))
        var global: [Float] = [0]
        strategy.apply(meanDelta: [0.2], to: &global)
        let expected = 0.01 * 0.02 / ((0.99 * 1e-6 + 0.01 * 0.04).squareRoot() + 1e-3)
        #expect(abs(Double(global[0]) - expected) < 1e-7)
    }

    @Test func fedYogiFirstStepByHand() {
        // v0 = tau^2 = 1e-6 < delta^2 = 0.04, so sign(v - delta^2) = -1: v = 1e-6 + 0.01 * 0.04 = 4.01e-4.
        var strategy = FedYogi(optimizer: FedOpt(learningRate: 0.01, beta1: 0.9, beta2: 0.99, tau: 1e-3))
        var global: [Float] = [0]
        strategy.apply(meanDelta: [0.2], to: &global)
        let expected = 0.01 * 0.02 / ((1e-6 + 0.01 * 0.04).squareRoot() + 1e-3)
        #expect(abs(Double(global[0]) - expected) < 1e-7)
    }

    /// After a large delta, Adam shrinks v by 1% of v each step; Yogi only by 1% of the new delta squared.
    @Test func yogiForgetsALargeDeltaMoreSlowlyThanAdam() {
        var adam = FedAdam(optimizer: FedOpt(learningRate: 0.01))
        var yogi = FedYogi(optimizer: FedOpt(learningRate: 0.01))
        var (a, y): ([Float], [Float]) = ([0], [0])
        for delta in [Float(5), 0.01, 0.01, 0.01] {
            adam.apply(meanDelta: [delta], to: &a)
            yogi.apply(meanDelta: [delta], to: &y)
        }
        #expect(yogi.optimizer.secondMoment[0] > 1.01 * adam.optimizer.secondMoment[0])
    }

    @Test func selectionIsSeededAndSized() {
        let available = Array(0..<10)
        #expect(ClientSelection.all.select(from: available.reversed(), seed: 1, round: 1, attempt: 1) == available)
        let half = ClientSelection.fraction(0.5).select(from: available, seed: 1, round: 1, attempt: 1)
        #expect(half.count == 5 && half == half.sorted())
        #expect(half == ClientSelection.fraction(0.5).select(from: available, seed: 1, round: 1, attempt: 1))
        let rounds = (1...5).map { ClientSelection.count(3).select(from: available, seed: 1, round: $0, attempt: 1) }
        #expect(Set(rounds).count > 1)
        #expect(ClientSelection.count(30).select(from: available, seed: 1, round: 1, attempt: 1) == available)
        #expect(ClientSelection.fraction(0.01).select(from: available, seed: 1, round: 1, attempt: 1).count == 1)
    }
}

@Suite struct RobustStatisticsTests {
    @Test func medianIgnoresOneOutlierPerCoordinate() {
        #expect(RobustStatistics.coordinateMedian([[1, -5], [2, 0], [100, 1]]) == [2, 0])
        #expect(RobustStatistics.coordinateMedian([[1], [2], [3], [100]]) == [2.5])
    }

    @Test func trimmedMeanDropsTheExtremesOfEachCoordinate() {
        #expect(RobustStatistics.trimmedMean([[1], [2], [3], [100]], fraction: 0.25) == [2.5])
        #expect(RobustStatistics.trimmedMean([[1], [2], [3], [100]], fraction: 0) == [26.5])
        // Never trims everything: with 3 values at most one from each end.
        #expect(RobustStatistics.trimmedMean([[1], [2], [90]], fraction: 0.49) == [2])
    }

    @Test func krumPicksAVectorFromTheHonestCluster() {
        let vectors: [[Float]] = [[0, 0], [0.1, 0], [0, 0.1], [0.1, 0.1], [10, 10], [-10, 10]]
        let chosen = RobustStatistics.krum(vectors, byzantine: 2)
        #expect(chosen[0].magnitude <= 0.1 && chosen[1].magnitude <= 0.1)
    }

    @Test func robustStrategiesKeepEveryUpdateAndFedAvgDoesNot() {
        #expect(RobustAggregation(combination: .median).combination.buffersUpdates)
        #expect(!FedAvg().combination.buffersUpdates)
        #expect(StrategyName.trimmedMean.make(serverLearningRate: nil, mu: 0, beta1: 0.9, beta2: 0.99, tau: 1e-3, trim: 0.3).combination
            == .trimmedMean(fraction: 0.3))
    }
}
