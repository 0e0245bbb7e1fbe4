import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `--port-file`: where the coordinator writes the port it bound, for the process that started it.
enum PortFile {
    /// Writes `port` and a newline to `path`: into the named pipe a parent reads (the open waits for
    /// that reader, which `fedwatt` opens before starting the coordinator), or into a regular file,
    /// created if need be.
    static func write(_ port: Int, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw PortFileError(path: path, errno: errno) }
        defer { close(descriptor) }
        let text = Array("\(port)\n".utf8)
        guard Glibc.write(descriptor, text, text.count) == text.count else { throw PortFileError(path: path, errno: errno) }
    }
}

/// The port file could not be written.
struct PortFileError: Error, CustomStringConvertible {
    var path: String
    var errno: Int32

    var description: String { "cannot write the port to \(path): \(String(cString: strerror(errno)))" }
}
