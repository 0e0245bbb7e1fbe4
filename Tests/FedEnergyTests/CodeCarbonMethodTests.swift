import FedEnergy
import Testing

/// CodeCarbon 3.3.0's CPU rules against figures computed by hand from its formulas
/// (`codecarbon/external/hardware.py`): 85 W TDP, PUE 1.58, 4 CPU-s in 5 s of wall time on 2 cores.
@Suite struct CodeCarbonMethodTests {
    let average: DatacenterProfile
    let work = HostWork(cpuSeconds: 4, wallSeconds: 5, hostCores: 2, machineLoad: 0.6)
    init() throws { average = try EnergyProfiles.shipped().datacenter("average") }

    @Test func constantModeIsHalfTheTDPForTheWholeMachineOverWallTime() {
        // 85 W x 0.5 x 5 s = 212.5 J, x 1.58 = 335.75 J; the CPU-seconds do not enter.
        #expect(abs(average.cpuJoules(work, method: .constant)! - 212.5) < 1e-9)
        #expect(abs(average.joules(work, method: .constant)! - 335.75) < 1e-9)
        var idle = work
        idle.cpuSeconds = 0
        #expect(average.joules(idle, method: .constant) == average.joules(work, method: .constant))
    }

    @Test func processModeSharesTheWholeTDPByCores() {
        // CodeCarbon samples cpu_load = 4 CPU-s / 5 s x 100 = 80 %, normalized by 2 cores to 40 %,
        // so 85 W x 40 % = 34 W for 5 s: 170 J, x 1.58 = 268.6 J.
        #expect(abs(average.cpuJoules(work, method: .processShare)! - 170) < 1e-9)
        #expect(abs(average.joules(work, method: .processShare)! - 268.6) < 1e-9)
    }

    @Test func machineModeIsACubicOfTheMachineLoadWithATenPercentFloor() {
        // 0.1 + 0.9 x 0.6^3 = 0.2944; 85 W x 0.2944 x 5 s = 125.12 J, x 1.58 = 197.6896 J.
        #expect(abs(average.cpuJoules(work, method: .machineLoad)! - 125.12) < 1e-9)
        #expect(abs(average.joules(work, method: .machineLoad)! - 197.6896) < 1e-9)
        // An idle machine still draws the floor: 85 W x 0.1 x 5 s.
        var idle = work
        idle.machineLoad = 0
        #expect(abs(average.cpuJoules(idle, method: .machineLoad)! - 42.5) < 1e-9)
        // Without a measured load the method has no answer.
        idle.machineLoad = nil
        #expect(average.joules(idle, method: .machineLoad) == nil)
    }

    @Test func theDefaultIsTheProcessShare() {
        #expect(CPUPowerMethod.default == .processShare)
        #expect(CPUPowerMethod(rawValue: "machine-load") == .machineLoad)
    }

    @Test func gpuModelIsFLOPsAtTheSustainedRateTimesBoardPowerAndPUE() throws {
        let a100 = try #require(EnergyProfiles.shipped().gpus?.first { $0.name == "a100" })
        // 5.85e12 FLOPs at 5.85e12 FLOP/s take 1 s at 400 W, x 1.58.
        #expect(abs(a100.seconds(flops: 5_850_000_000_000) - 1) < 1e-12)
        #expect(abs(a100.joules(flops: 5_850_000_000_000, in: average) - 632) < 1e-9)
    }
}
