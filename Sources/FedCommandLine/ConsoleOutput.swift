import Foundation

/// Writes a line to standard output at once, unbuffered, so a pipe (`fedwatt simulate`, `tee`)
/// sees progress as it happens.
public func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// `12.34 MB` (10^6 bytes).
public func megabytes(_ bytes: Int) -> String {
    String(format: "%.2f MB", Double(bytes) / 1e6)
}
