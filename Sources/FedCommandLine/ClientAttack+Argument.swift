import ArgumentParser
import FedClient

extension ClientAttack: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
