import Foundation

/// A new, empty folder in the temporary directory, its name starting with `label`; the caller
/// removes it.
func makeScratchFolder(_ label: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}
