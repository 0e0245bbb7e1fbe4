"""The Register proof and how a secret file becomes bytes (docs/PROTOCOL.md, "Register")."""

import hashlib
import hmac
import struct

#: The fewest bytes a secret may have.
MINIMUM_SECRET_BYTES = 16


def proof(secret, nonce, client_id):
    """``HMAC-SHA256(secret, nonce || client id as UInt32 little-endian)``."""
    return hmac.new(bytes(secret), bytes(nonce) + struct.pack("<I", client_id), hashlib.sha256).digest()


def read_secret_file(path):
    """The secret in ``path``: the file's UTF-8 text with surrounding white space (spaces, tabs,
    newlines) removed, as bytes; at least :data:`MINIMUM_SECRET_BYTES` of them."""
    with open(path, encoding="utf-8") as handle:
        secret = handle.read().strip().encode("utf-8")
    if len(secret) < MINIMUM_SECRET_BYTES:
        raise ValueError(f"the secret in {path} is shorter than {MINIMUM_SECRET_BYTES} characters")
    return secret
