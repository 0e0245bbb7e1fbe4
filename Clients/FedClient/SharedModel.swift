import FedCodec
import NIOConcurrencyHelpers

/// The last whole model decoded in this process, shared by every client sent the same one. Each
/// client keeps the model it trained from (the base of a difference its next round may bring), so
/// the clients of `fedwatt load` that a round selects would each hold a copy of the same model;
/// decoded here, they hold one.
public final class SharedModel: Sendable {
    private let last = NIOLockedValueBox<(tensor: EncodedTensor, model: [Float])?>(nil)

    /// Nothing decoded yet.
    public init() {}

    /// `tensor` decoded to `count` values: the array decoded before if `tensor` is the last one
    /// asked for, else a new one, which becomes the last.
    func decode(_ tensor: EncodedTensor, count: Int) throws -> [Float] {
        if let model = last.withLockedValue({ $0?.tensor == tensor ? $0?.model : nil }) { return model }
        let model = try TensorCodec.decode(tensor, expectedCount: count)
        last.withLockedValue { $0 = (tensor, model) }
        return model
    }
}
