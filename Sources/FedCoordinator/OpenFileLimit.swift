#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open file descriptors: every client connection holds one, so a large
/// fleet needs the soft limit raised, which a process may do up to the hard limit.
public enum OpenFileLimit {
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

    #if canImport(Glibc)
    private static let resourceLimit = __rlimit_resource_t(UInt32(RLIMIT_NOFILE.rawValue))
    #else
    private static let resourceLimit = RLIMIT_NOFILE
    #endif
}
