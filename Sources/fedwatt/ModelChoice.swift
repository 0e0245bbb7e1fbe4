import ArgumentParser
import FedLearning

/// The `--model` values the command line accepts.
enum ModelChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    case softmax
    case mlp

    /// The architecture for 28x28 images and 10 classes, with `hidden` units in the MLP's hidden layer.
    func architecture(hidden: Int) -> ModelArchitecture {
        switch self {
        case .softmax: return .softmaxRegression(inputs: 784, classes: 10)
        case .mlp: return .mlp(inputs: 784, hidden: [hidden], classes: 10)
        }
    }
}

extension LearningRateSchedule: ExpressibleByArgument {}
