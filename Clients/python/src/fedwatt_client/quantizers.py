"""The values section of an encoded tensor, one function pair per quantizer (docs/PROTOCOL.md).

Arithmetic is float32 throughout, in the order the Swift reference uses, so encodings match byte
for byte: sums are taken left to right, rounding is half away from zero, and stochastic rounding
draws ``(next() >> 40) * 2^-24`` from the given :class:`SeededGenerator` once per value, in order.
"""

import numpy as np

from .codec_spec import CodecError

F32 = np.float32
FP16_MAX = F32(65504)


def left_sum32(values):
    """float32 sum of ``values`` added left to right (as Swift's ``reduce``)."""
    if len(values) == 0:
        return F32(0)
    return np.add.accumulate(values, dtype=np.float32)[-1]


def round_half_away32(x):
    """Rounds float32 values to integers, halves away from zero (Swift's ``rounded()``)."""
    t = np.trunc(x)
    return t + np.sign(x) * (np.abs(x - t) >= F32(0.5))


def stochastic_round32(x, generator):
    """``floor(x) + 1`` with probability ``x - floor(x)``, else ``floor(x)``; one draw per value."""
    low = np.floor(x)
    uniform = np.array([(generator.next() >> 40) for _ in range(len(x))], dtype=np.float64).astype(F32) * F32(2.0 ** -24)
    return np.where(uniform < (x - low), low + F32(1), low).astype(F32)


def integer_block_length(block, count):
    """Values per integer scale: ``block``, or all values when ``block`` is 0."""
    return block if block else max(count, 1)


def largest_level(bits):
    """The largest level of a ``bits``-bit integer quantizer: 127, 7 or 1."""
    return (1 << (bits - 1)) - 1


def section_size(quantizer, count):
    """Bytes the values section takes for ``count`` values."""
    name = quantizer.name
    if name == "float32":
        return 4 * count
    if name == "fp16":
        return 2 * count
    if quantizer.bits is not None:
        size = integer_block_length(quantizer.block, count)
        return 4 * ((count + size - 1) // size) + (count * quantizer.bits + 7) // 8
    if name == "qsgd":
        return 4 + count
    return 4 + (count + 7) // 8


def encode_values(quantizer, values, generator):
    """The values section for float32 ``values``; ``generator`` drives stochastic rounding."""
    v = np.asarray(values, dtype=F32)
    name = quantizer.name
    if name == "float32":
        return v.astype("<f4").tobytes()
    if name == "fp16":
        return np.minimum(np.maximum(v, -FP16_MAX), FP16_MAX).astype("<f2").tobytes()
    if quantizer.bits is not None:
        bits = quantizer.bits
        largest = largest_level(bits)
        size = integer_block_length(quantizer.block, len(v))
        starts = range(0, len(v), size)
        scales = np.array([np.max(np.abs(v[s:s + size])) if len(v[s:s + size]) else F32(0) for s in starts], dtype=F32) / F32(largest)
        per_value = np.repeat(scales, size)[:len(v)]
        with np.errstate(divide="ignore"):
            inverse = np.where(per_value > 0, F32(1) / per_value, F32(0)).astype(F32)
        exact = (v * inverse).astype(F32)
        rounded = stochastic_round32(exact, generator) if quantizer.stochastic else round_half_away32(exact)
        q = np.clip(rounded, -largest, largest).astype(np.int8)
        return scales.astype("<f4").tobytes() + pack_levels(q, bits)
    if name == "qsgd":
        norm = np.sqrt(left_sum32(v * v)).astype(F32)
        levels = F32(quantizer.levels)
        scale = levels / norm if norm > 0 else F32(0)
        level = np.minimum(levels, stochastic_round32((np.abs(v) * scale).astype(F32), generator))
        q = np.where(v < 0, -level, level).astype(np.int8)
        return np.array([norm], dtype="<f4").tobytes() + q.tobytes()
    # sign
    scale = left_sum32(np.abs(v)) / F32(len(v)) if len(v) else F32(0)
    bits = np.packbits(v >= 0, bitorder="little")
    return np.array([scale], dtype="<f4").tobytes() + bits.tobytes()


def _checked_scale(scale):
    if not np.isfinite(scale) or scale < 0:
        raise CodecError(f"tensor field out of range: scale {scale} is not a finite non-negative number")
    return F32(scale)


def decode_values(quantizer, count, reader):
    """Reads ``count`` values of the section from ``reader``, checking every size and scale."""
    name = quantizer.name
    if name == "float32":
        return np.frombuffer(bytes(reader.take(4 * count, "float32 values")), dtype="<f4").astype(F32)
    if name == "fp16":
        return np.frombuffer(bytes(reader.take(2 * count, "fp16 values")), dtype="<f2").astype(F32)
    if quantizer.bits is not None:
        bits = quantizer.bits
        size = integer_block_length(quantizer.block, count)
        blocks = (count + size - 1) // size
        packed_count = (count * bits + 7) // 8
        if reader.remaining < 4 * blocks + packed_count:
            raise CodecError(f"tensor ends inside its int{bits} scales and levels")
        scales = np.array([_checked_scale(reader.read("f", f"int{bits} scale")) for _ in range(blocks)], dtype=F32)
        q = unpack_levels(bytes(reader.take(packed_count, f"int{bits} levels")), count, bits)
        return (q.astype(F32) * np.repeat(scales, size)[:count]).astype(F32)
    if name == "qsgd":
        norm = _checked_scale(reader.read("f", "qsgd norm"))
        q = np.frombuffer(bytes(reader.take(count, "qsgd levels")), dtype=np.int8)
        if np.any(np.abs(q.astype(np.int32)) > quantizer.levels):
            raise CodecError(f"tensor field out of range: qsgd level beyond {quantizer.levels}")
        return ((norm * q.astype(F32)) / F32(quantizer.levels)).astype(F32)
    scale = _checked_scale(reader.read("f", "sign scale"))
    bits = np.unpackbits(np.frombuffer(bytes(reader.take((count + 7) // 8, "sign bits")), dtype=np.uint8), bitorder="little")[:count]
    return np.where(bits != 0, scale, -scale).astype(F32)


def pack_levels(q, bits):
    """Signed levels as ``bits``-bit two's complement fields, least significant first in each byte."""
    if bits == 8:
        return q.astype(np.int8).tobytes()
    per_byte = 8 // bits
    fields = (q.astype(np.int16) & ((1 << bits) - 1)).astype(np.uint8)
    padded = np.zeros(-(-len(fields) // per_byte) * per_byte, dtype=np.uint8)
    padded[:len(fields)] = fields
    shifts = (np.arange(per_byte) * bits).astype(np.uint8)
    return (padded.reshape(-1, per_byte) << shifts).sum(axis=1).astype(np.uint8).tobytes()


def unpack_levels(packed, count, bits):
    """The ``count`` levels of ``packed``; refuses the field that is never written (-L-1) and a last
    byte whose unused bits are not 0."""
    raw = np.frombuffer(packed, dtype=np.uint8)
    per_byte = 8 // bits
    shifts = (np.arange(per_byte) * bits).astype(np.uint8)
    fields = ((raw[:, None] >> shifts) & ((1 << bits) - 1)).astype(np.int16).ravel()
    signed = np.where(fields >= 1 << (bits - 1), fields - (1 << bits), fields)
    never = -largest_level(bits) - 1
    if np.any(signed[:count] == never):
        raise CodecError(f"tensor field out of range: int{bits} level {never} is never written")
    if np.any(fields[count:] != 0):
        raise CodecError(f"tensor field out of range: int{bits} padding bits of the last byte are not zero")
    return signed[:count]
