"""The eight messages of protocol version 1 and their payloads (docs/PROTOCOL.md, "Messages")."""

import struct
from dataclasses import dataclass

from .byte_reader import ByteReader, Truncated
from .error_codes import ErrorCode, WireError
from .tensor_codec import CODEC_FLOAT32, CODEC_PIPELINE, EncodedTensor

REGISTER, WELCOME, ROUND_START, UPDATE, ACK, ERROR, BYE, CHALLENGE = range(1, 9)


@dataclass
class Challenge:
    """Coordinator to client, first on every connection: the nonce the proof must bind."""

    nonce: bytes
    TYPE = CHALLENGE


@dataclass
class Register:
    """Client to coordinator, in answer to Challenge."""

    client_id: int
    device: str
    link: str
    proof: bytes = b""
    TYPE = REGISTER


@dataclass
class Welcome:
    """Coordinator to client: the job as JSON text."""

    job_json: str
    TYPE = WELCOME


@dataclass
class RoundStart:
    """Coordinator to a selected client: the model as a chain applied in order, the first whole (or a
    difference from ``base_version``), each next one a difference added to what the ones before made."""

    round: int
    local_epochs: int
    deadline_ms: int
    learning_rate: float
    model_version: int
    base_version: int
    step_limit: int  # the most minibatch steps to train; 0: every step of the local epochs
    models: list  # of EncodedTensor, 1 to MAXIMUM_CHAIN
    TYPE = ROUND_START


#: The most tensors one RoundStart's chain may hold.
MAXIMUM_CHAIN = 1024


@dataclass
class Update:
    """Client to coordinator: the round's encoded delta and its counts."""

    round: int
    sample_count: int
    train_loss: float
    flops: int
    cpu_seconds: float
    encode_seconds: float
    delta: EncodedTensor
    TYPE = UPDATE


@dataclass
class Ack:
    """Round accepted (coordinator to client), or ready for rounds (client to coordinator, round 0)."""

    round: int
    TYPE = ACK


@dataclass
class Error:
    """Either way: input refused; its sender closes the connection after it."""

    code: int
    text: str
    TYPE = ERROR


@dataclass
class Bye:
    """Coordinator to client: the job is complete."""

    reason: str
    TYPE = BYE


def _short_bytes(data):
    data = bytes(data)[:0xFFFF]
    return struct.pack("<H", len(data)) + data


def _tensor(tensor):
    return struct.pack("<BII", tensor.codec, tensor.value_count, len(tensor.data)) + bytes(tensor.data)


def encode_payload(message):
    """The payload bytes of ``message``."""
    if isinstance(message, Challenge):
        return _short_bytes(message.nonce)
    if isinstance(message, Register):
        return (struct.pack("<I", message.client_id) + _short_bytes(message.device.encode())
                + _short_bytes(message.link.encode()) + _short_bytes(message.proof))
    if isinstance(message, Welcome):
        return message.job_json.encode()
    if isinstance(message, RoundStart):
        return (struct.pack("<IIIfIII", message.round, message.local_epochs, message.deadline_ms, message.learning_rate,
                           message.model_version, message.base_version, message.step_limit)
                + struct.pack("<H", len(message.models)) + b"".join(_tensor(model) for model in message.models))
    if isinstance(message, Update):
        return struct.pack("<IIdQdd", message.round, message.sample_count, message.train_loss, message.flops,
                           message.cpu_seconds, message.encode_seconds) + _tensor(message.delta)
    if isinstance(message, Ack):
        return struct.pack("<I", message.round)
    if isinstance(message, Error):
        return struct.pack("<H", message.code) + message.text.encode()
    if isinstance(message, Bye):
        return message.reason.encode()
    raise TypeError(f"not a FedWatt message: {message!r}")


def _text(data, field):
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise WireError(ErrorCode.MALFORMED_PAYLOAD, f"{field} is not valid UTF-8") from None


def _read_tensor(reader):
    codec = reader.read("B", "codec")
    if codec not in (CODEC_FLOAT32, CODEC_PIPELINE):
        raise WireError(ErrorCode.BAD_ENCODING, f"unknown codec id {codec}")
    value_count = reader.read("I", "value count")
    byte_count = reader.read("I", "byte count")
    return EncodedTensor(codec, value_count, bytes(reader.take(byte_count, "tensor bytes")))


def decode_payload(message_type, payload):
    """The message a frame of ``message_type`` carries; raises :class:`WireError` (6 malformed,
    14 unknown codec id) unless the payload is exactly one well-formed message."""
    reader = ByteReader(payload)
    try:
        if message_type == CHALLENGE:
            message = Challenge(bytes(reader.take(reader.read("H", "nonce length"), "nonce")))
        elif message_type == REGISTER:
            client_id = reader.read("I", "client id")
            device = _text(reader.take(reader.read("H", "device length"), "device"), "device")
            link = _text(reader.take(reader.read("H", "link length"), "link"), "link")
            message = Register(client_id, device, link, bytes(reader.take(reader.read("H", "proof length"), "proof")))
        elif message_type == WELCOME:
            message = Welcome(_text(reader.rest(), "job"))
        elif message_type == ROUND_START:
            fields = [reader.read(f, name) for f, name in (("I", "round"), ("I", "local epochs"), ("I", "deadline"),
                                                            ("f", "learning rate"), ("I", "model version"), ("I", "base version"),
                                                            ("I", "step limit"))]
            count = reader.read("H", "tensor count")
            if not 1 <= count <= MAXIMUM_CHAIN:
                raise WireError(ErrorCode.MALFORMED_PAYLOAD, f"a RoundStart with {count} model tensors (1 to {MAXIMUM_CHAIN})")
            message = RoundStart(*fields, [_read_tensor(reader) for _ in range(count)])
        elif message_type == UPDATE:
            fields = [reader.read(f, name) for f, name in (("I", "round"), ("I", "sample count"), ("d", "train loss"),
                                                            ("Q", "FLOPs"), ("d", "CPU-seconds"), ("d", "encode seconds"))]
            message = Update(*fields, _read_tensor(reader))
        elif message_type == ACK:
            message = Ack(reader.read("I", "round"))
        elif message_type == ERROR:
            message = Error(reader.read("H", "error code"), _text(reader.rest(), "error text"))
        elif message_type == BYE:
            message = Bye(_text(reader.rest(), "reason"))
        else:
            raise WireError(ErrorCode.UNKNOWN_MESSAGE_TYPE, f"message type {message_type}")
    except Truncated as error:
        raise WireError(ErrorCode.MALFORMED_PAYLOAD, f"payload {error}") from None
    if reader.remaining:
        raise WireError(ErrorCode.MALFORMED_PAYLOAD, f"{reader.remaining} bytes after the end of a type {message_type} message")
    return message
