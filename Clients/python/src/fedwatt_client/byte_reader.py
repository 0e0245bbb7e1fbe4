"""Reading little-endian fields from bytes, refusing to read past the end."""

import struct


class Truncated(ValueError):
    """The bytes end inside the named field."""


class ByteReader:
    """A cursor over ``data``; every read names its field so a refusal says where it failed."""

    def __init__(self, data, offset=0):
        """Reads ``data`` (bytes-like) from ``offset`` on."""
        self.data = memoryview(bytes(data)) if not isinstance(data, memoryview) else data
        self.offset = offset

    @property
    def remaining(self):
        """Bytes not read yet."""
        return len(self.data) - self.offset

    def take(self, count, field):
        """The next ``count`` bytes."""
        if count < 0 or self.remaining < count:
            raise Truncated(f"ends inside its {field}")
        chunk = self.data[self.offset:self.offset + count]
        self.offset += count
        return chunk

    def read(self, fmt, field):
        """One ``struct`` field, little-endian (``'B'``, ``'H'``, ``'I'``, ``'Q'``, ``'f'``, ``'d'``)."""
        size = struct.calcsize("<" + fmt)
        return struct.unpack("<" + fmt, self.take(size, field))[0]

    def rest(self):
        """Everything not read yet."""
        return self.take(self.remaining, "rest")
