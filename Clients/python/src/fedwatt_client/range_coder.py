"""The ``range`` last stage (docs/PROTOCOL.md, "The range coder"): LZMA's binary range coder with
15-bit probabilities; each byte is a "not zero" decision, and a non-zero byte then eight decisions
down a bit tree, all under models chosen by the byte before. A port of
``Sources/FedCodec/AdaptiveByteCoding.swift`` and its ``RangeEncoder`` and ``RangeDecoder``."""

from .codec_spec import CodecError

PROBABILITY_BITS = 15
EVEN_ODDS = 1 << 14
ADAPTATION_SHIFT = 5
TOP = 1 << 24
ONE = 1 << PROBABILITY_BITS


class _Encoder:
    def __init__(self):
        self.output = bytearray()
        self.low = 0
        self.range = 0xFFFFFFFF
        self.cache = 0
        self.pending = 1

    def bit(self, models, index, bit):
        p = models[index]
        bound = (self.range >> PROBABILITY_BITS) * p
        if bit:
            self.low += bound
            self.range -= bound
            models[index] = p - (p >> ADAPTATION_SHIFT)
        else:
            self.range = bound
            models[index] = p + ((ONE - p) >> ADAPTATION_SHIFT)
        while self.range < TOP:
            self.range = (self.range << 8) & 0xFFFFFFFF
            self.shift_low()

    def shift_low(self):
        if self.low < 0xFF000000 or self.low >= 1 << 32:
            carry = self.low >> 32
            byte = self.cache
            while True:
                self.output.append((byte + carry) & 0xFF)
                byte = 0xFF
                self.pending -= 1
                if self.pending == 0:
                    break
            self.cache = (self.low >> 24) & 0xFF
        self.pending += 1
        self.low = (self.low & 0x00FFFFFF) << 8

    def finish(self):
        for _ in range(5):
            self.shift_low()
        return bytes(self.output)


def encode(body):
    """The range-coded form of ``body``."""
    encoder = _Encoder()
    models = [EVEN_ODDS] * (256 * 256)
    previous = 0
    for byte in body:
        base = previous << 8
        encoder.bit(models, base, byte != 0)
        previous = byte
        if byte:
            node = 1
            for shift in range(7, -1, -1):
                bit = (byte >> shift) & 1
                encoder.bit(models, base + node, bit)
                node = node << 1 | bit
    return encoder.finish()


def decode(data, count):
    """Exactly ``count`` bytes from ``data``, which must end where they do (the caller bounds ``count``)."""
    position = 0

    def next_byte():
        nonlocal position
        if position >= len(data):
            raise CodecError("tensor ends inside its range-coded body")
        position += 1
        return data[position - 1]

    if next_byte() != 0:
        raise CodecError("tensor does not inflate: range-coded body does not start with a zero byte")
    code = 0
    for _ in range(4):
        code = code << 8 | next_byte()
    span = 0xFFFFFFFF
    if code >= span:
        raise CodecError("tensor does not inflate: range-coded body starts with a code beyond its range")
    models = [EVEN_ODDS] * (256 * 256)

    def bit(index):
        nonlocal code, span
        p = models[index]
        bound = (span >> PROBABILITY_BITS) * p
        if code < bound:
            span = bound
            models[index] = p + ((ONE - p) >> ADAPTATION_SHIFT)
            result = 0
        else:
            code -= bound
            span -= bound
            models[index] = p - (p >> ADAPTATION_SHIFT)
            result = 1
        while span < TOP:
            span = (span << 8) & 0xFFFFFFFF
            code = (code << 8 | next_byte()) & 0xFFFFFFFF
        return result

    body = bytearray(count)
    previous = 0
    for index in range(count):
        base = previous << 8
        if not bit(base):
            previous = 0
            continue
        node = 1
        for _ in range(8):
            node = node << 1 | bit(base + node)
        previous = node & 0xFF
        if previous == 0:
            raise CodecError(f"tensor does not inflate: range-coded byte {index} is 0 after a non-zero decision")
        body[index] = previous
    if position != len(data):
        raise CodecError(f"{len(data) - position} bytes after the end of the tensor")
    if code != 0:
        raise CodecError("tensor does not inflate: range-coded body does not end as its encoder ends it")
    return bytes(body)
