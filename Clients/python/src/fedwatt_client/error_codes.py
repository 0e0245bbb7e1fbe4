"""The codes an Error frame carries (docs/PROTOCOL.md, "Errors")."""

from enum import IntEnum


class ErrorCode(IntEnum):
    """Why a peer's input was refused; the sender of an Error closes the connection after it."""

    BAD_MAGIC = 1
    UNSUPPORTED_VERSION = 2
    UNKNOWN_MESSAGE_TYPE = 3
    FRAME_TOO_LARGE = 4
    CHECKSUM_MISMATCH = 5
    MALFORMED_PAYLOAD = 6
    UNEXPECTED_MESSAGE = 7
    UNKNOWN_CLIENT = 8
    WRONG_ROUND = 9
    WRONG_SHAPE = 10
    NON_FINITE_VALUES = 11
    DUPLICATE_UPDATE = 12
    NOT_SELECTED = 13
    BAD_ENCODING = 14
    UNSUPPORTED_FLAGS = 15
    UNKNOWN_PROFILE = 16
    AUTHENTICATION_FAILED = 17
    FRAME_TIMEOUT = 18
    UNKNOWN_BASE_MODEL = 19
    HANDSHAKE_TIMEOUT = 20
    VALUE_OUT_OF_RANGE = 21
    FLOPS_MISMATCH = 22
    INTERNAL_ERROR = 99


class WireError(Exception):
    """A refusal of input from the wire, with the code its Error frame carries."""

    def __init__(self, code, detail):
        super().__init__(f"{ErrorCode(code).name.lower()} ({int(code)}): {detail}")
        self.code = ErrorCode(code)
        self.detail = detail
