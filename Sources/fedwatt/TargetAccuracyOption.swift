import ArgumentParser

/// `--target-accuracy`: the test accuracy the report measures time and energy to.
struct TargetAccuracyOption: ParsableArguments {
    @Option(
        name: .customLong("target-accuracy"),
        help: "Test accuracy the report measures time and energy to: the centralized baseline's epochs to it and, with --fleet, the federated device time and energy to it (default: the federated final accuracy).")
    var value: Double?

    func validate() throws {
        if let value, !(value > 0 && value <= 1) {
            throw ValidationError("--target-accuracy must be above 0 and at most 1 (a test accuracy), e.g. --target-accuracy 0.85")
        }
    }
}
