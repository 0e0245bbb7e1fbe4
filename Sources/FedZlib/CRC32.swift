import CZlib

/// The CRC-32 of gzip, PNG and zlib's `crc32` (the IEEE 802.3 polynomial, bit-reflected, with the
/// register inverted before and after): the checksum in every FedWatt frame's trailer and every
/// checkpoint's, computed by zlib.
public enum CRC32 {
    /// The CRC-32 of `bytes`, continuing from `crc` (the CRC-32 of the bytes before them; 0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        return UInt32(crc32_z(uLong(crc), base.assumingMemoryBound(to: Bytef.self), z_size_t(bytes.count)))
    }

    /// The CRC-32 of a byte array, continuing from `crc`.
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }
}
