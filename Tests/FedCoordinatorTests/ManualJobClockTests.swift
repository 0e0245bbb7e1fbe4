import FedCoordinator
import Testing

@Suite struct ManualJobClockTests {
    /// The order in which sleepers woke.
    actor Wakes {
        var order: [Int] = []
        func woke(_ second: Int) { order.append(second) }
    }

    /// Sleepers wake when the clock reaches their deadline and not before; a deadline already passed
    /// returns at once; a cancelled sleeper throws.
    @Test func sleepersWakeWhenTheClockReachesThem() async throws {
        let clock = ManualJobClock()
        let wakes = Wakes()
        let early = Task {
            try await clock.sleep(until: .seconds(1))
            await wakes.woke(1)
        }
        let late = Task {
            try await clock.sleep(until: .seconds(5))
            await wakes.woke(5)
        }
        let cancelled = Task { try await clock.sleep(until: .seconds(2)) }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        clock.advance(by: .seconds(1))
        try await early.value
        clock.advance(to: .seconds(3))
        for _ in 0..<100 { await Task.yield() }
        #expect(await wakes.order == [1], "a sleeper woke before the clock reached it")
        clock.advance(to: .seconds(5))
        try await late.value
        #expect(await wakes.order == [1, 5] && clock.now == .seconds(5))
        try await clock.sleep(until: .seconds(4))  // already passed: returns at once
    }
}
