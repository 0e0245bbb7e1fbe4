import Foundation
import NIOConcurrencyHelpers

/// The kernel's high-water mark of a process's resident set (its `VmHWM`), read from `/proc` every
/// 20 ms on a thread of its own until the process exits, so the last value read is its peak.
final class PeakResidentMemory: Sendable {
    private let peak = NIOLockedValueBox(0)

    /// Starts watching process `pid`.
    init(of pid: Int32) {
        Thread.detachNewThread { [peak] in
            while let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
                if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                    let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
                {
                    peak.withLockedValue { $0 = max($0, kilobytes) }
                }
                usleep(20_000)
            }
        }
    }

    /// The highest VmHWM read so far, in KiB.
    var kilobytes: Int { peak.withLockedValue { $0 } }
}
