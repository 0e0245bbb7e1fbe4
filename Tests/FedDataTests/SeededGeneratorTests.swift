import FedData
import Testing

@Suite struct SeededGeneratorTests {
    @Test func sameSeedGivesSameSequence() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        var c = SeededGenerator(seed: 43)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
    }

    @Test func streamsOfOneSeedDiffer() {
        var a = SeededGenerator(seed: 42, stream: 1)
        var b = SeededGenerator(seed: 42, stream: 2)
        #expect(a.next() != b.next())
    }

    @Test(arguments: [0.1, 0.5, 2.0, 7.5])
    func gammaHasMeanEqualToShape(shape: Double) {
        var generator = SeededGenerator(seed: 9)
        let n = 40_000
        let mean = (0..<n).map { _ in generator.nextGamma(shape: shape) }.reduce(0, +) / Double(n)
        // Standard error is sqrt(shape / n) <= 0.014; allow five of them.
        #expect(abs(mean - shape) < 5 * (shape / Double(n)).squareRoot())
    }

    @Test func dirichletDrawSumsToOne() {
        var generator = SeededGenerator(seed: 3)
        for alpha in [0.01, 0.5, 100] {
            let draw = generator.nextDirichlet(alpha: alpha, count: 10)
            #expect(abs(draw.reduce(0, +) - 1) < 1e-9)
            #expect(draw.allSatisfy { $0 >= 0 })
        }
    }
}
