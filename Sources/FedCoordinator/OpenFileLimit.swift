#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open file descriptors: every client connection holds one, so a large
/// fleet needs the soft limit raised, which a process may do up to the hard limit.
public enum OpenFileLimit {
    /// Descriptors a process keeps for itself beside its connections: the standard streams, the
    /// event loops' own, the listening sockets, the ledger and checkpoint files, loaded libraries.
    public static let reserve = 32

    /// The soft and hard limits now.
    public static func current() -> (soft: UInt64, hard: UInt64) {
        var limit = rlimit()
        getrlimit(resourceLimit, &limit)
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit, as far as the system allows, and returns the soft
    /// limit in force afterwards.
    @discardableResult
    public static func raiseToHardLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(resourceLimit, &limit) == 0 else { return current().soft }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(resourceLimit, &limit)
        }
        return current().soft
    }

    /// Raises the soft limit to the hard limit and returns it when `connections` connections fit
    /// under it beside the ``reserve``; throws an ``OpenFileLimitError`` that says what to run when
    /// they do not.
    @discardableResult
    public static func ensureRoom(forConnections connections: Int) throws -> UInt64 {
        let soft = raiseToHardLimit()
        let needed = UInt64(connections + reserve)
        guard soft >= needed else { throw OpenFileLimitError(connections: connections, needed: needed, soft: soft, hard: current().hard) }
        return soft
    }

    #if canImport(Glibc)
    private static let resourceLimit = __rlimit_resource_t(UInt32(RLIMIT_NOFILE.rawValue))
    #else
    private static let resourceLimit = RLIMIT_NOFILE
    #endif
}

/// The open-file limit is too low for the connections a process is to hold, even raised to the
/// hard limit.
public struct OpenFileLimitError: Error, Equatable, CustomStringConvertible {
    /// The connections asked for.
    public var connections: Int
    /// The descriptors they need, with the process's ``OpenFileLimit/reserve``.
    public var needed: UInt64
    /// The soft limit, already raised as far as it goes.
    public var soft: UInt64
    /// The hard limit, which only a privileged process raises.
    public var hard: UInt64

    public var description: String {
        "\(connections) connections need \(needed) open files, and this process may open \(soft) (hard limit \(hard)): "
            + "raise the hard limit in the shell that starts it, as root: `ulimit -Hn \(needed) && ulimit -Sn \(needed)` "
            + "(in a systemd unit: LimitNOFILE=\(needed))"
    }
}
