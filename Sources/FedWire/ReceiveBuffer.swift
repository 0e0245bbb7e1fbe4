import NIOCore

/// How every FedWatt connection sizes its receive buffer. NIO keeps a connection's buffer for the
/// connection's whole life, at the largest size it has grown to (NIO's cap: 64 KiB), so a
/// connection that once carried a 400 KB model would hold 64 KiB from then on: 640 MiB for 10,000
/// clients. Capped at 16 KiB, it holds a quarter of that, for four times the reads of a large frame.
public enum ReceiveBuffer {
    /// NIO's adaptive sizing (from 2 KiB, down to 64 bytes), at most 16 KiB.
    public static let allocator = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 16 << 10)
}
