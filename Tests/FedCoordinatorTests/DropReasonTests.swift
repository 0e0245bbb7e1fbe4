import FedLedger
import Foundation
import Testing

@Suite struct DropReasonTests {
    /// The ledger's texts, as every ledger so far has written them, decode and encode back unchanged.
    @Test func ledgerTextsRoundTrip() throws {
        let texts = ["timeout", "disconnected", "reconnected", "rejected: wrong shape: tensor has 5 values, the model 613"]
        let json = Data(try JSONEncoder().encode(texts))
        let reasons = try JSONDecoder().decode([DropReason].self, from: json)
        #expect(reasons == [.timeout, .disconnected, .reconnected, .rejected("wrong shape: tensor has 5 values, the model 613")])
        #expect(try JSONEncoder().encode(reasons) == json)
    }

    @Test func anUnknownReasonIsRefusedByName() {
        #expect {
            try JSONDecoder().decode([DropReason].self, from: Data(#"["eaten by a grue"]"#.utf8))
        } throws: { error in
            "\(error)".contains("eaten by a grue")
        }
    }
}
