import ArgumentParser

/// `--fleet-secret-file`: the one secret every client of the job proves.
public struct FleetSecretOption: ParsableArguments {
    @Option(
        name: .customLong("fleet-secret-file"),
        help: "A file whose content is the one secret every client must prove (HMAC-SHA256 over a per-connection nonce).")
    public var path: String?

    public init() {}
}
