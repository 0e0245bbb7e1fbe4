import CBLAS

/// The OpenBLAS library doing FedWatt's matrix products, as loaded at run time.
///
/// Each training process models one device, so OpenBLAS is held to one thread
/// (``useSingleThread()``, called before the first product).
public enum BLASBackend {
    /// OpenBLAS's build configuration and the kernel it picked for this CPU, e.g.
    /// `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64 (core SkylakeX)`.
    public static var description: String {
        let config = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        return "\(config) (core \(core))"
    }

    /// Limits OpenBLAS to the calling process's one training thread; runs once, however often called.
    static func useSingleThread() { _ = singleThreaded }

    private static let singleThreaded: Void = openblas_set_num_threads(1)
}
