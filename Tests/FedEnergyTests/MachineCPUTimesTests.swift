import FedEnergy
import Testing

@Suite struct MachineCPUTimesTests {
    @Test func busyIsAllButIdleAndIOWait() throws {
        // user nice system idle iowait irq softirq steal guest guest_nice: guest is inside user.
        let times = try #require(MachineCPUTimes(procStat: "cpu  300 20 100 500 40 10 20 10 50 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"))
        #expect(times.total == 1000)
        #expect(times.busy == 460)
    }

    @Test func textWithoutTheAggregateLineIsRefused() {
        #expect(MachineCPUTimes(procStat: "cpu0 1 2 3 4\nintr 5\n") == nil)
    }
}
