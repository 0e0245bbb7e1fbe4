import Testing

@testable import FedReport

@Suite struct ParetoFrontTests {
    @Test func marksWhatNoOtherOutcomeBeatsOnBothCounts() {
        let outcomes: [(bytes: Int, accuracy: Double)] = [
            (100, 0.86),  // the most accurate
            (50, 0.85),  // fewer bytes, a little less accurate: on the front
            (60, 0.84),  // beaten by (50, 0.85)
            (10, 0.20),  // the fewest bytes
            (50, 0.85),  // a tie beats neither copy
            (100, 0.80),  // beaten on accuracy at the same bytes
        ]
        #expect(ParetoFront.members(outcomes) == [true, true, false, true, true, false])
    }
}
