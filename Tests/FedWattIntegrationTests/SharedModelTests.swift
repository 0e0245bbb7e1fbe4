import FedCodec
@testable import FedClient
import Testing

/// The clients of one process decode a whole model once and share the array; another model is
/// decoded anew, and a model of the wrong size is refused.
@Suite struct SharedModelTests {
    @Test func theSameTensorIsDecodedOnceAndAnotherAnew() throws {
        let shared = SharedModel()
        let first = TensorCodec.encode([1, 2, 3, 4])
        let decoded = try shared.decode(first, count: 4)
        // An equal tensor received on another connection: its own bytes, the same values.
        let again = try shared.decode(EncodedTensor(codec: first.codec, valueCount: 4, bytes: first.bytes.map { $0 }), count: 4)
        #expect(decoded == [1, 2, 3, 4] && again == decoded)
        #expect(decoded.withUnsafeBufferPointer { $0.baseAddress } == again.withUnsafeBufferPointer { $0.baseAddress })
        let other = try shared.decode(TensorCodec.encode([5, 6, 7, 8]), count: 4)
        #expect(other == [5, 6, 7, 8])
        #expect(other.withUnsafeBufferPointer { $0.baseAddress } != decoded.withUnsafeBufferPointer { $0.baseAddress })
        #expect(throws: CodecError.self) { try shared.decode(TensorCodec.encode([1, 2, 3]), count: 4) }
    }
}
