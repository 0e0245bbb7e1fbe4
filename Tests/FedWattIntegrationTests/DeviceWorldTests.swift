import FedClient
import FedCoordinator
import FedFleet
import FedLedger
import Foundation
import Testing

@Suite(.serialized, .timeLimit(.minutes(1))) struct DeviceWorldTests {
    /// A small mixed-fleet job over real sockets, run twice: once on an idle host and once with two
    /// processes keeping both cores busy. Device times, selections and fates come from the bytes and
    /// FLOPs the clients produced and the fleet, never from the host, so the ledgers agree on them.
    @Test func deviceTimesAndFatesDoNotDependOnTheHostsLoad() async throws {
        func run() async throws -> [RoundRecord] {
            let spec = FleetSpec(name: "mixed", classes: [
                .init(name: "phone-lte", device: "smartphone", link: "lte", share: 0.5, speedSpread: 0.5),
                .init(name: "pi-wifi", device: "rpi4", link: "wifi", share: 0.5, speedSpread: 0.5),
            ])
            // 0.2 device seconds: shorter than an LTE promotion, so the LTE phones straggle.
            let setup = try await LoopbackJob(clients: 4, rounds: 3, minCompletion: 1, fleet: spec, deviceDeadline: 0.2)
            let port = setup.server.port
            let job = Task { try await setup.coordinator.run() }
            let clients = (0..<4).map { id in Task { try await setup.client(id, port: port).run() } }
            _ = try await job.value
            for client in clients { try await client.value }
            let records = try setup.ledger()
            await setup.cleanUp()
            return records
        }
        let idle = try await run()
        let burners = try (0..<2).map { _ in
            let burner = Process()
            burner.executableURL = URL(fileURLWithPath: "/bin/sh")
            burner.arguments = ["-c", "while :; do :; done"]
            try burner.run()
            return burner
        }
        // SIGKILL: a child started from the test runner may inherit an ignored SIGTERM.
        let busy = try await { () async throws -> [RoundRecord] in
            defer { for burner in burners { kill(burner.processIdentifier, SIGKILL) } }
            return try await run()
        }()
        await BuiltExecutables.waitForExit(burners)
        #expect(idle.map(\.device) == busy.map(\.device))
        #expect(idle.map(\.selected) == busy.map(\.selected) && idle.map(\.completed) == busy.map(\.completed))
        #expect(idle.map(\.dropped) == busy.map(\.dropped))
        #expect(idle.map { $0.clients.map(\.timeline) } == busy.map { $0.clients.map(\.timeline) })
        #expect(idle.map(\.energy.totalJoules) == busy.map(\.energy.totalJoules))
        // And the deadline did its work: the LTE phones straggled.
        #expect(idle[0].dropped.map(\.reason) == [.straggler, .straggler])
        #expect(idle[0].clients.filter { $0.deviceClass == "phone-lte" }.map(\.client) == idle[0].dropped.map(\.client))
    }
}
