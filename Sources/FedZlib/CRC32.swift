import CDeflate

/// The CRC-32 of gzip, PNG and zlib's `crc32` (the IEEE 802.3 polynomial, bit-reflected, with the
/// register inverted before and after): the checksum in every FedWatt frame's trailer and every
/// checkpoint's.
///
/// libdeflate computes it: it picks, when the process starts, the fastest code the CPU runs (on
/// x86-64 with PCLMULQDQ, carry-less multiplications folding 64 bytes at a time; on ARM64, its
/// CRC32 instructions). Its results are zlib's bit for bit, at about three times zlib 1.2.13's speed
/// on the development machine (6.4-7.3 GB/s of thread CPU time against 2.2-2.4: the first line of
/// `codec-benchmark`); a 1,000-client round checks or computes about 120 MB of frames.
public enum CRC32 {
    /// The CRC-32 of `bytes`, continuing from `crc` (the CRC-32 of the bytes before them; 0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        return libdeflate_crc32(crc, base, bytes.count)
    }

    /// The CRC-32 of a byte array, continuing from `crc`.
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }
}
