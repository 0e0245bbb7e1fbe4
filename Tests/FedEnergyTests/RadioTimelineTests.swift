import FedEnergy
import Testing

@Suite struct RadioTimelineTests {
    /// An LTE radio over two rounds, by hand (Huang et al.'s figures: promotion 1.2107 W for
    /// 0.2601 s, tail 1.060 W for 11.576 s, 13 Mbps down, 6 Mbps up).
    @Test func twoRoundsOnLTEByHand() throws {
        let lte = try EnergyProfiles.shipped().link("lte")
        var radio = RadioTimeline(link: lte)
        // Round 1 at 0 s: an idle radio is promoted first, then 1.3 MB down take 0.8 s.
        let download = radio.transfer(bytes: 1_300_000, .down, at: 0)
        #expect(download.promoted && download.dataStart == 0.2601)
        #expect(abs(download.end - 1.0601) < 1e-12)
        #expect(abs(download.promotionJoules - 1.2107 * 0.2601) < 1e-12 && download.tailJoules == 0)
        // 2 s of training, then 0.6 MB up (0.8 s): still in the tail, so no promotion; 2 s of tail.
        let upload = radio.transfer(bytes: 600_000, .up, at: download.end + 2)
        #expect(!upload.promoted && upload.dataStart == upload.requested)
        #expect(abs(upload.end - 3.8601) < 1e-12)
        #expect(abs(upload.tailJoules - 2 * 1.060) < 1e-12 && upload.promotionJoules == 0)
        // The round closes at 5 s: the tail so far, 1.1399 s, is charged to it.
        #expect(abs(radio.chargeTail(until: 5) - 1.1399 * 1.060) < 1e-12)
        #expect(radio.chargeTail(until: 5) == 0, "the same tail was charged twice")
        // Round 2 reaches the client at 20 s: the tail ran out at 15.4361 s (the rest, 10.4361 s,
        // is charged now), the radio was idle, and it is promoted again.
        let second = radio.transfer(bytes: 1_300_000, .down, at: 20)
        #expect(abs(second.tailJoules - 10.4361 * 1.060) < 1e-9)
        #expect(second.promoted && abs(second.dataStart - 20.2601) < 1e-12)
        // Over both charges the first round's tail cost exactly one whole tail.
        #expect(abs(1.1399 * 1.060 + second.tailJoules - 11.576 * 1.060) < 1e-9)
    }

    @Test func aTransferDuringTheTailCutsItShort() throws {
        let lte = try EnergyProfiles.shipped().link("lte")
        var radio = RadioTimeline(link: lte)
        let first = radio.transfer(bytes: 600_000, .up, at: 0)
        let second = radio.transfer(bytes: 600_000, .up, at: first.end + 3)
        #expect(!second.promoted && abs(second.tailJoules - 3 * 1.060) < 1e-12)
        // A transfer asked for before the previous one ends waits for it.
        let third = radio.transfer(bytes: 600_000, .up, at: 0)
        #expect(third.requested == second.end && third.tailJoules == 0)
    }

    @Test func wifiHasNeitherPromotionNorTail() throws {
        var radio = RadioTimeline(link: try EnergyProfiles.shipped().link("wifi"))
        let first = radio.transfer(bytes: 5_000_000, .down, at: 0)
        #expect(first.dataStart == 0 && abs(first.end - 0.8) < 1e-12)  // 40 Mbit at 50 Mbps
        #expect(radio.chargeTail(until: 100) == 0)
        #expect(radio.transfer(bytes: 1, .up, at: 50).promotionJoules == 0)
    }
}
