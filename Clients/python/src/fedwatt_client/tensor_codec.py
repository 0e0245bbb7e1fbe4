"""Encoding float32 vectors through a codec pipeline, and decoding them strictly (docs/PROTOCOL.md,
"Compressed tensors"): a port of ``Sources/FedCodec/TensorCodec.swift``."""

import struct
import zlib
from dataclasses import dataclass

import numpy as np

from . import range_coder
from .byte_reader import ByteReader, Truncated
from .codec_spec import CodecError, CodecSpec, Quantizer
from .quantizers import decode_values, encode_values, section_size
from .sparse_index import decode_indices, encode_indices
from .topk import kept_count, select

#: Codec id of plain float32 (no header).
CODEC_FLOAT32 = 0
#: Codec id of a pipeline whose bytes start with a header naming its stages.
CODEC_PIPELINE = 1


@dataclass
class EncodedTensor:
    """A tensor as it travels: codec id, the number of values it decodes to, and its bytes."""

    codec: int
    value_count: int
    data: bytes


def encode(values, spec=CodecSpec(), generator=None):
    """Encodes float32 ``values`` through ``spec``; ``generator`` (a :class:`SeededGenerator`) drives
    stochastic rounding and is required for ``qsgd`` and stochastic integer quantizers."""
    v = np.asarray(values, dtype=np.float32).ravel()
    if spec.is_lossless and not spec.has_last_stage:
        return EncodedTensor(CODEC_FLOAT32, len(v), v.astype("<f4").tobytes())
    body = bytearray()
    kept = v
    if spec.topk_fraction is not None:
        indices = select(v, kept_count(spec.topk_fraction, len(v)))
        mode, index_bytes = encode_indices(indices, len(v))
        body += struct.pack("<IBI", len(indices), mode, len(index_bytes)) + index_bytes
        kept = v[indices]
    body += encode_values(spec.quantizer, kept, generator)
    q = spec.quantizer
    flags = (1 if spec.topk_fraction is not None else 0) | (2 if spec.zlib_level is not None else 0) | (4 if spec.range_coded else 0)
    header = struct.pack("<BBB", 1, flags, q.wire_id)
    if q.bits is not None:
        header += (struct.pack("<B", q.bits) if q.bits != 8 else b"") + struct.pack("<IB", q.block, 1 if q.stochastic else 0)
    elif q.name == "qsgd":
        header += struct.pack("<B", q.levels)
    if spec.zlib_level is not None:
        strategy = {"default": zlib.Z_DEFAULT_STRATEGY, "rle": zlib.Z_RLE, "huffman": zlib.Z_HUFFMAN_ONLY}[spec.zlib_strategy]
        deflater = zlib.compressobj(spec.zlib_level, zlib.DEFLATED, 15, 8, strategy)
        data = header + struct.pack("<I", len(body)) + deflater.compress(bytes(body)) + deflater.flush()
    elif spec.range_coded:
        data = header + struct.pack("<I", len(body)) + range_coder.encode(bytes(body))
    else:
        data = header + bytes(body)
    return EncodedTensor(CODEC_PIPELINE, len(v), data)


def decode(tensor, expected_count):
    """The float32 values of ``tensor``, which must hold exactly ``expected_count`` of them; raises
    :class:`CodecError` (code 10 for another value count, 14 for anything else) on any inconsistency."""
    n = expected_count
    if tensor.value_count != n:
        raise CodecError(f"tensor declares {tensor.value_count} values; the model has {n}", code=10)
    try:
        if tensor.codec == CODEC_FLOAT32:
            if len(tensor.data) != 4 * n:
                raise CodecError(f"tensor section is {len(tensor.data)} bytes; its header and value count need {4 * n}")
            return np.frombuffer(bytes(tensor.data), dtype="<f4").astype(np.float32)
        if tensor.codec == CODEC_PIPELINE:
            return _decode_pipeline(bytes(tensor.data), n)
        raise CodecError(f"unknown codec id {tensor.codec}")
    except Truncated as error:
        raise CodecError(f"tensor {error}") from None


def _decode_pipeline(data, n):
    header = ByteReader(data)
    if header.read("B", "format version") != 1:
        raise CodecError("tensor field out of range: pipeline format version")
    flags = header.read("B", "flags")
    if flags & ~7 or flags & 6 == 6:
        raise CodecError(f"tensor field out of range: pipeline flags {flags}")
    quantizer_id = header.read("B", "quantizer")
    if quantizer_id == 0:
        quantizer = Quantizer("float32")
    elif quantizer_id == 1:
        quantizer = Quantizer("fp16")
    elif quantizer_id in (2, 5):
        bits = 8 if quantizer_id == 2 else header.read("B", "integer width")
        if bits not in (8, 4, 2) or (quantizer_id == 5 and bits == 8):
            raise CodecError(f"tensor field out of range: integer width {bits}")
        block = header.read("I", f"int{bits} block")
        stochastic = header.read("B", f"int{bits} rounding")
        if block > 1 << 24 or stochastic > 1:
            raise CodecError(f"tensor field out of range: int{bits} block {block} or rounding {stochastic}")
        quantizer = Quantizer(f"int{bits}", block=block, stochastic=stochastic == 1)
    elif quantizer_id == 3:
        levels = header.read("B", "qsgd levels")
        if not 1 <= levels <= 127:
            raise CodecError(f"tensor field out of range: qsgd levels {levels}")
        quantizer = Quantizer("qsgd", levels=levels)
    elif quantizer_id == 4:
        quantizer = Quantizer("sign")
    else:
        raise CodecError(f"tensor field out of range: quantizer id {quantizer_id}")
    sparse = flags & 1 != 0
    largest_body = 16 + 4 * n + 5 * n + (n + 7) // 8 + section_size(quantizer, n)
    if flags & 6:
        declared = header.read("I", "body length")
        if declared > largest_body:
            raise CodecError(f"tensor field out of range: body of {declared} bytes for {n} values")
    if flags & 4:
        body = range_coder.decode(bytes(header.rest()), declared)
    elif flags & 2:
        inflater = zlib.decompressobj()
        try:
            body = inflater.decompress(bytes(header.rest()), declared + 1)
        except zlib.error as error:
            raise CodecError(f"tensor does not inflate: {error}") from None
        if len(body) != declared:
            raise CodecError(f"tensor section is {len(body)} bytes; its header and value count need {declared}")
    else:
        body = bytes(header.rest())
    reader = ByteReader(body)
    if sparse:
        k = reader.read("I", "kept count")
        if k > n:
            raise CodecError(f"tensor field out of range: {k} kept values of {n}")
        mode = reader.read("B", "index mode")
        index_bytes = reader.read("I", "index bytes")
        indices = decode_indices(mode, reader.take(index_bytes, "indices"), k, n)
        if reader.remaining != section_size(quantizer, k):
            raise CodecError(f"tensor section is {reader.remaining} bytes; its header and value count need {section_size(quantizer, k)}")
        values = np.zeros(n, dtype=np.float32)
        values[indices] = decode_values(quantizer, k, reader)
    else:
        if reader.remaining != section_size(quantizer, n):
            raise CodecError(f"tensor section is {reader.remaining} bytes; its header and value count need {section_size(quantizer, n)}")
        values = decode_values(quantizer, n, reader)
    if reader.remaining:
        raise CodecError(f"{reader.remaining} bytes after the end of the tensor")
    return values
