"""The model a FedWatt job starts from (``ModelArchitecture.initialParameters`` in Swift), for its
dense models: what another framework needs to start from the same weights as FedWatt."""

import math

import numpy as np

from .seeded_generator import SeededGenerator

#: The stream of the job seed the initial weights are drawn from.
INITIAL_MODEL_STREAM = 0x1417


def initial_parameters(layer_sizes, seed):
    """The flat float32 parameters FedWatt's coordinator starts the dense model ``layer_sizes``
    (input first, a ReLU between layers) from, with the job's ``seed``: each layer's ``inputs x
    outputs`` weights, row-major, then its zero biases. A weight is ``(2 unit() - 1) x limit`` in
    double, rounded to float32, drawn in layout order from ``SeededGenerator(seed, 0x1417)``; the limit
    is ``sqrt(6 / inputs)`` (He) for a layer a ReLU follows and ``sqrt(6 / (inputs + outputs))``
    (Glorot) for the last."""
    generator = SeededGenerator(seed, INITIAL_MODEL_STREAM)
    parts = []
    last = len(layer_sizes) - 2
    for index, (inputs, outputs) in enumerate(zip(layer_sizes, layer_sizes[1:])):
        limit = math.sqrt(6.0 / inputs) if index < last else math.sqrt(6.0 / (inputs + outputs))
        weights = [(2.0 * generator.next_unit() - 1.0) * limit for _ in range(inputs * outputs)]
        parts += [np.array(weights, dtype=np.float64).astype(np.float32), np.zeros(outputs, dtype=np.float32)]
    return np.concatenate(parts)
