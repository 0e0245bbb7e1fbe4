import FedWire
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP connection to 127.0.0.1, for tests that must speak bytes the real client never would.
///
/// Its waits run on threads of their own (``onOwnThread(_:)``), never on the pool that the
/// coordinator and clients of the same test need in order to make progress.
/// `@unchecked Sendable`: one test uses a connection from one task at a time.
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32

    /// Connects to `127.0.0.1:port`; every receive gives up after `timeoutSeconds` (long enough for
    /// a round to open on a host busy with the whole suite and other builds; it only bounds a hang). With
    /// `receiveBufferBytes`, the socket's receive buffer is made that small (before connecting, so
    /// the window the peer sees is small too).
    init(port: Int, timeoutSeconds: Int = 30, receiveBufferBytes: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if var bytes = receiveBufferBytes {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bytes, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = loopbackAddress(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(descriptor) }

    /// Writes all of `bytes`.
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Hangs up: the peer sees the connection close.
    func hangUp() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Exactly `count` bytes, or nil if the peer closes (or the timeout passes) first.
    func receive(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let read = bytes[offset...].withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard read > 0 else { return nil }
            offset += read
        }
        return bytes
    }

    /// Registers as client `id` (an rpi4 on wifi, no proof), then declares itself ready (Ack 0) and
    /// returns the coordinator's answer to the Register (Welcome, or an Error).
    func joinReady(as id: UInt32) async throws -> Message? {
        send(Array(buffer: Message.register(Register(clientID: id, device: "rpi4", link: "wifi")).encodedFrame()))
        let answer = try await receiveMessage()
        send(Array(buffer: Message.ack(Ack(round: 0)).encodedFrame()))
        return answer
    }

    /// The nonce of the coordinator's Challenge, once it has been read.
    private(set) var nonce: [UInt8] = []

    /// The next whole frame after the coordinator's Challenge (whose nonce is kept), decoded, or nil
    /// at the end of the stream.
    func receiveMessage() async throws -> Message? {
        let message = try await onOwnThread { try self.receiveMessageNow() }
        guard case .challenge(let challenge) = message else { return message }
        nonce = challenge.nonce
        return try await receiveMessage()
    }

    /// True when the peer has closed the connection (a read returns end of stream).
    func isClosedByPeer() async -> Bool {
        await onOwnThread {
            var byte: UInt8 = 0
            return recv(self.descriptor, &byte, 1, 0) == 0
        }
    }

    /// The next frame if the peer sends one that decodes; nil if it closes, times out or sends bytes
    /// that are not a FedWatt frame (a TLS server answering plain TCP).
    func receiveMessageIfAny() async -> Message? {
        await onOwnThread { try? self.receiveMessageNow() }
    }

    /// Reads the coordinator's Challenge and keeps its nonce.
    func readChallenge() async throws {
        guard case .challenge(let challenge) = try await onOwnThread({ try self.receiveMessageNow() }) else {
            throw POSIXError(.EPROTO)
        }
        nonce = challenge.nonce
    }

    private func receiveMessageNow() throws -> Message? {
        guard let header = receive(Frame.headerSize) else { return nil }
        guard Array(header[0..<4]) == Frame.magic, let type = MessageType(rawValue: header[5]) else {
            throw WireError(.badMagic, "the peer sent \(header) where a FedWatt frame header belongs")
        }
        let length = Int(header[8]) | Int(header[9]) << 8 | Int(header[10]) << 16 | Int(header[11]) << 24
        guard let rest = receive(length + Frame.trailerSize) else { return nil }
        var buffer = ByteBuffer(bytes: header + rest)
        buffer.moveReaderIndex(forwardBy: Frame.headerSize)
        let payload = buffer.readSlice(length: length)!
        return try Message(frame: Frame(type: type, payload: payload))
    }
}

/// A TCP relay on 127.0.0.1 that counts every byte it carries each way: the independent count the
/// coordinator's ledger is checked against.
///
/// `@unchecked Sendable`: its counters are only touched under `lock`, and the socket descriptors are
/// owned each by one relay thread.
final class CountingProxy: @unchecked Sendable {
    /// The port clients connect to.
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var toTarget = 0
    private var fromTarget = 0
    private var finishedPumps = 0

    /// Listens on a free port and relays each connection to `127.0.0.1:targetPort`.
    init(targetPort: Int) {
        let listeningSocket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        port = bindToFreeLoopbackPort(listeningSocket)
        listen(listeningSocket, 64)
        listener = listeningSocket
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listeningSocket, nil, nil)
                guard client >= 0 else { return }
                let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var target = loopbackAddress(port: targetPort)
                _ = withUnsafePointer(to: &target) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                Thread.detachNewThread { self.pump(from: client, to: upstream, towardTarget: true) }
                Thread.detachNewThread { self.pump(from: upstream, to: client, towardTarget: false) }
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func pump(from source: Int32, to sink: Int32, towardTarget: Bool) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let read = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            guard read > 0 else { break }
            var offset = 0
            while offset < read {
                let written = buffer[offset..<read].withUnsafeBytes { send(sink, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { break }
                offset += written
            }
            lock.withLock { if towardTarget { toTarget += read } else { fromTarget += read } }
        }
        shutdown(sink, Int32(SHUT_WR))
        lock.withLock { finishedPumps += 1 }
    }

    /// Waits (up to `seconds`) until `connections` relayed connections have ended both ways, then
    /// returns the bytes carried toward the target (client to coordinator) and back.
    func totals(afterClosing connections: Int, seconds: Double = 10) async -> (toTarget: Int, fromTarget: Int) {
        await onOwnThread {
            let deadline = Date().addingTimeInterval(seconds)
            while self.lock.withLock({ self.finishedPumps }) < 2 * connections, Date() < deadline { usleep(10_000) }
            return self.lock.withLock { (self.toTarget, self.fromTarget) }
        }
    }
}

/// Binds `descriptor` to 127.0.0.1 on a port the kernel picks, and returns that port.
func bindToFreeLoopbackPort(_ descriptor: Int32) -> Int {
    var address = loopbackAddress(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A port nothing listens on right now (the kernel's choice for a socket bound to port 0).
func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    return bindToFreeLoopbackPort(descriptor)
}

/// 127.0.0.1 at `port` as a socket address.
func loopbackAddress(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

/// Sends `request` (raw HTTP) to 127.0.0.1:`port` on a new connection and returns everything the
/// server wrote until it closed (or 10 s passed).
func httpExchange(port: Int, _ request: String) async throws -> String {
    let connection = try RawConnection(port: port)
    connection.send(Array(request.utf8))
    let bytes = await onOwnThread {
        var bytes: [UInt8] = []
        while let byte = connection.receive(1) { bytes += byte }
        return bytes
    }
    return String(decoding: bytes, as: UTF8.self)
}
