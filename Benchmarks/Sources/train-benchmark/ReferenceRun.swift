import Foundation

/// A folder of raw little-endian arrays that a Python reference implementation reads, and the
/// JSON it prints back.
struct ReferenceRun {
    let folder: URL

    /// Creates an empty folder under the temporary directory, named for `name` and this process.
    init(name: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Writes `values` as raw bytes to `file` in the folder.
    func write<T>(_ values: [T], _ file: String) throws {
        try values.withUnsafeBytes { try Data($0).write(to: folder.appendingPathComponent(file)) }
    }

    /// Runs `python script folder arguments...` with this process's environment and one BLAS
    /// thread, and parses the JSON object it prints; exits the benchmark if it fails.
    func run(python: String, script: String, arguments: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, folder.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        environment["OMP_NUM_THREADS"] = "1"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let json = try? JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            FileHandle.standardError.write(Data("\(script) failed: \(String(decoding: output, as: UTF8.self))\n".utf8))
            exit(1)
        }
        return json
    }

    /// Removes the folder.
    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
