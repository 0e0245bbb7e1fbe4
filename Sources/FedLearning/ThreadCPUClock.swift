#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time consumed by the calling thread, the cross-check beside counted FLOPs in the energy ledger.
///
/// Training runs synchronously on one thread (and OpenBLAS on that same thread), so the difference
/// of two readings around it is the CPU time the training itself cost, whatever else the process runs.
public enum ThreadCPUClock {
    /// Seconds of CPU time the calling thread has used so far.
    public static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
