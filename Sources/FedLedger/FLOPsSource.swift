/// Where a round's client FLOPs come from.
public enum FLOPsSource: String, Sendable, Codable, Hashable {
    /// FedWatt's analytic count for the model, which the coordinator checked each client's report
    /// against (within 1%, else error 22).
    case analytic
    /// The clients' own counts for an external model, which the coordinator cannot check: its
    /// compute energy is only as good as the clients' counting.
    case clientReported = "client-reported"
}
