"""One connection to a coordinator: TCP (with ``TCP_NODELAY``), optionally inside TLS or mutual
TLS, carrying whole frames."""

import ipaddress
import socket
import ssl
import struct

from .error_codes import WireError
from .frame import DEFAULT_MAXIMUM_PAYLOAD, HEADER_SIZE, TRAILER_SIZE, check_crc, encode_frame, parse_header
from .messages import Error, decode_payload, encode_payload


class ConnectionClosed(Exception):
    """The peer closed the connection (or it broke) before a whole frame arrived."""


def tls_context(ca_file, cert_file=None, key_file=None, server_name=None, host=None):
    """A client TLS context trusting ``ca_file``; with ``cert_file``/``key_file`` it presents a
    certificate (mutual TLS). The coordinator's name is checked when there is one (``server_name``,
    else ``host`` unless it is an IP address); for an IP address only the chain is verified."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    if cert_file:
        context.load_cert_chain(cert_file, key_file)
    name = server_name or (None if _is_ip(host) else host)
    context.check_hostname = name is not None
    return context, name


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
        return True
    except (ValueError, TypeError):
        return False


class Connection:
    """A socket to the coordinator that sends messages and reads frames."""

    def __init__(self, host, port, tls=None, connect_timeout=5.0, maximum_payload=DEFAULT_MAXIMUM_PAYLOAD):
        """Connects; ``tls`` is ``(context, server_name)`` from :func:`tls_context`, or None for plain TCP."""
        self.maximum_payload = maximum_payload
        raw = socket.create_connection((host, port), timeout=connect_timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            if tls is not None:
                context, name = tls
                raw = context.wrap_socket(raw, server_hostname=name)
        except BaseException:
            raw.close()
            raise
        raw.settimeout(None)
        self.socket = raw
        self.bytes_sent = 0
        self.bytes_received = 0

    def send(self, message):
        """Writes ``message`` as one frame."""
        frame = encode_frame(message.TYPE, encode_payload(message))
        self.socket.sendall(frame)
        self.bytes_sent += len(frame)

    def refuse(self, error):
        """Sends Error with ``error``'s code and closes, as a receiver that refuses input must."""
        try:
            self.send(Error(int(error.code), error.detail))
        except OSError:
            pass
        self.close()

    def _read_exactly(self, count):
        chunks = []
        while count:
            try:
                chunk = self.socket.recv(min(count, 1 << 20))
            except (OSError, ssl.SSLError) as error:
                raise ConnectionClosed(str(error)) from None
            if not chunk:
                raise ConnectionClosed("connection closed by the coordinator")
            chunks.append(chunk)
            count -= len(chunk)
            self.bytes_received += len(chunk)
        return b"".join(chunks)

    def receive(self):
        """The next message; raises :class:`WireError` for a bad frame (the caller refuses it) and
        :class:`ConnectionClosed` at the end of the stream."""
        header = self._read_exactly(HEADER_SIZE)
        message_type, length = parse_header(header, self.maximum_payload)
        body = self._read_exactly(length + TRAILER_SIZE)
        payload = body[:length]
        check_crc(payload, struct.unpack("<I", body[length:])[0])
        return decode_payload(message_type, payload)

    def close(self):
        """Closes the socket (idempotent)."""
        try:
            self.socket.close()
        except OSError:
            pass


__all__ = ["Connection", "ConnectionClosed", "WireError", "tls_context"]
