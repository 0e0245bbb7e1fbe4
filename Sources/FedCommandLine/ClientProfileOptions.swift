import ArgumentParser

/// `--device` and `--link`: the profiles a client models in the energy accounting (every client,
/// in `fedwatt simulate`).
public struct ClientProfileOptions: ParsableArguments {
    @Option(help: "Device profile the client models: rpi4, jetson-nano, jetson-agx-xavier, smartphone, or one in --profiles.")
    public var device: String = "rpi4"

    @Option(help: "Link profile the client models: wifi, lte, 3g, or one in --profiles.")
    public var link: String = "wifi"

    public init() {}
}
