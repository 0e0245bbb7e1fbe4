"""Frames: ``FWAT``, version 1, type, flags 0, payload length, payload, CRC-32 (docs/PROTOCOL.md, "Frames")."""

import struct
import zlib

from .error_codes import ErrorCode, WireError

MAGIC = b"FWAT"
PROTOCOL_VERSION = 1
HEADER_SIZE = 12
TRAILER_SIZE = 4
#: The client's default maximum payload, as the Swift client's.
DEFAULT_MAXIMUM_PAYLOAD = 64 << 20
#: Message types that exist in protocol version 1.
KNOWN_TYPES = frozenset(range(1, 10))


def encode_frame(message_type, payload):
    """The whole frame for one message's payload."""
    payload = bytes(payload)
    return (MAGIC + struct.pack("<BBHI", PROTOCOL_VERSION, message_type, 0, len(payload)) + payload
            + struct.pack("<I", zlib.crc32(payload) & 0xFFFFFFFF))


def parse_header(header, maximum_payload=DEFAULT_MAXIMUM_PAYLOAD):
    """``(type, payload length)`` from a frame's 12 header bytes; raises :class:`WireError` with the
    code the receiver answers (1 bad magic, 2 version, 3 type, 15 flags, 4 too large)."""
    if header[:4] != MAGIC:
        raise WireError(ErrorCode.BAD_MAGIC, f"frame starts with {bytes(header[:4])!r} instead of FWAT")
    version, message_type, flags, length = struct.unpack("<BBHI", header[4:12])
    if version != PROTOCOL_VERSION:
        raise WireError(ErrorCode.UNSUPPORTED_VERSION, f"protocol version {version}; this client speaks 1")
    if message_type not in KNOWN_TYPES:
        raise WireError(ErrorCode.UNKNOWN_MESSAGE_TYPE, f"message type {message_type}")
    if flags:
        raise WireError(ErrorCode.UNSUPPORTED_FLAGS, f"flags {flags:#x} in protocol version 1")
    if length > maximum_payload:
        raise WireError(ErrorCode.FRAME_TOO_LARGE, f"payload of {length} bytes exceeds the maximum of {maximum_payload}")
    return message_type, length


def check_crc(payload, crc):
    """Raises error 5 unless ``crc`` is the payload's CRC-32."""
    computed = zlib.crc32(payload) & 0xFFFFFFFF
    if computed != crc:
        raise WireError(ErrorCode.CHECKSUM_MISMATCH, f"payload CRC-32 is {computed:#x}, the frame says {crc:#x}")
