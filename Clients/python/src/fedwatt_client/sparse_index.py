"""The index section of a sparse tensor: LEB128 gaps (mode 0) or a bitmap (mode 1), whichever is smaller."""

import numpy as np

from .codec_spec import CodecError


def encode_indices(indices, count):
    """``(mode, bytes)`` for ascending ``indices`` of a vector of ``count`` values; gaps win ties."""
    gaps = bytearray()
    previous = -1
    for index in indices:
        rest = int(index) - previous - 1
        previous = int(index)
        while rest >= 0x80:
            gaps.append((rest & 0x7F) | 0x80)
            rest >>= 7
        gaps.append(rest)
    bitmap_size = (count + 7) // 8
    if len(gaps) <= bitmap_size:
        return 0, bytes(gaps)
    bits = np.zeros(bitmap_size * 8, dtype=np.uint8)
    bits[np.asarray(indices, dtype=np.int64)] = 1
    return 1, np.packbits(bits, bitorder="little").tobytes()


def decode_indices(mode, data, k, count):
    """Exactly ``k`` strictly ascending indices below ``count``, consuming all of ``data``."""
    data = bytes(data)
    if mode == 0:
        indices = []
        offset = 0
        previous = -1
        for _ in range(k):
            value = 0
            for shift in range(0, 35, 7):
                if offset >= len(data):
                    raise CodecError("tensor ends inside its index gap")
                byte = data[offset]
                offset += 1
                value |= (byte & 0x7F) << shift
                if not byte & 0x80:
                    break
            else:
                raise CodecError("tensor field out of range: index gap varint longer than 5 bytes")
            if value > 0xFFFFFFFF:
                raise CodecError("tensor field out of range: index gap overflows 32 bits")
            index = previous + 1 + value
            if index >= count:
                raise CodecError(f"tensor field out of range: index {index} is not below {count}")
            indices.append(index)
            previous = index
        if offset != len(data):
            raise CodecError(f"{len(data) - offset} bytes after the end of the tensor")
        return np.array(indices, dtype=np.int64)
    if mode == 1:
        if len(data) != (count + 7) // 8:
            raise CodecError(f"tensor section is {len(data)} bytes; its header and value count need {(count + 7) // 8}")
        indices = np.flatnonzero(np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little"))
        if len(indices) and indices[-1] >= count:
            raise CodecError(f"tensor field out of range: bitmap marks index {indices[-1]} of {count}")
        if len(indices) != k:
            raise CodecError(f"tensor field out of range: bitmap marks {len(indices)} indices; header says {k}")
        return indices
    raise CodecError(f"tensor field out of range: index mode {mode}")
