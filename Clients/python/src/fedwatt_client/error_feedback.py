"""Error feedback for biased uplink pipelines (docs/PROTOCOL.md, "Error feedback")."""

import numpy as np

from . import tensor_codec


class ErrorFeedback:
    """Keeps what compression dropped and adds it to the next delta: ``decoded + residual`` always
    equals everything the client has trained."""

    def __init__(self):
        """Starts with nothing held back."""
        self.residual = np.zeros(0, dtype=np.float32)

    def encode(self, delta, spec, generator=None):
        """Encodes ``delta + residual`` through ``spec`` and keeps ``compensated - decoded``."""
        delta = np.asarray(delta, dtype=np.float32)
        if self.residual.shape != delta.shape:
            self.residual = np.zeros_like(delta)
        compensated = (delta + self.residual).astype(np.float32)
        tensor = tensor_codec.encode(compensated, spec, generator)
        self.residual = (compensated - tensor_codec.decode(tensor, len(compensated))).astype(np.float32)
        return tensor
