import CBLAS
import Foundation

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

    /// The best single-thread `cblas_sgemm` throughput, in GFLOP/s (a multiply-add is 2), over
    /// `repeats` products of two `size x size` matrices: the machine's peak for FedWatt's training.
    public static func measureSGEMMGigaflops(size: Int = 1024, repeats: Int = 10) -> Double {
        useSingleThread()
        let a = [Float](repeating: 0.5, count: size * size)
        let b = [Float](repeating: 0.25, count: size * size)
        var c = [Float](repeating: 0, count: size * size)
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            let n = Int32(size)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, &c, n)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return 2 * Double(size * size * size) / best * 1e-9
    }

    /// Limits OpenBLAS to the calling process's one training thread; runs once, however often called.
    static func useSingleThread() { _ = singleThreaded }

    private static let singleThreaded: Void = openblas_set_num_threads(1)
}
