/// What a round on the device clock does about clients too slow for its deadline
/// (`--straggler-policy`).
public enum StragglerPolicy: String, Sendable, Codable, Hashable, CaseIterable {
    /// Every selected client trains its full local epochs; an update that would arrive after the
    /// deadline is a straggler, recorded with its energy and not aggregated (FedAvg's rule).
    case drop
    /// Each selected client is told how many minibatch steps fit its device-time budget (the
    /// deadline, less its download and upload) and trains only those; the round aggregates what
    /// arrives in time, weighted by the samples processed (FedProx's variable amount of work).
    case partial
}
