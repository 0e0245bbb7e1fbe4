"""The model a FedWatt job starts from (``ModelArchitecture.initialParameters`` in Swift): what
another framework needs to start from the same weights as FedWatt (docs/PROTOCOL.md, "Initialisation")."""

import math

import numpy as np

from .model_architecture import ModelArchitecture
from .layers import ReLU
from .seeded_generator import SeededGenerator

#: The stream of the job seed the initial weights are drawn from.
INITIAL_MODEL_STREAM = 0x1417


def initial_parameters(model, seed):
    """The flat float32 parameters FedWatt's coordinator starts ``model`` from with the job's
    ``seed``; ``model`` is a :class:`ModelArchitecture`, a job's ``model`` JSON object, or a dense
    network's layer widths (input first, a ReLU between layers).

    Layer by layer, in the layout order, each weight is ``(2 unit() - 1) x limit`` in double, rounded
    to float32, drawn from ``SeededGenerator(seed, 0x1417)``; biases are zero and draw nothing. The
    limit is ``sqrt(6 / fan_in)`` (He) for a layer a ReLU follows and ``sqrt(6 / (fan_in +
    fan_out))`` (Glorot) otherwise; the fans are a dense layer's inputs and outputs, a
    convolution's ``k·k·c`` and ``k·k·f``."""
    model = ModelArchitecture.of(model)
    generator = SeededGenerator(seed, INITIAL_MODEL_STREAM)
    parameters = np.zeros(model.parameter_count, dtype=np.float32)
    for index, layer in enumerate(model.layers):
        if not layer.has_parameters:
            continue
        fan_in, fan_out = layer.fans(model.input_shape_of(index))
        feeds_relu = index + 1 < len(model.layers) and isinstance(model.layers[index + 1], ReLU)
        limit = math.sqrt(6.0 / fan_in) if feeds_relu else math.sqrt(6.0 / (fan_in + fan_out))
        start, end = model.offsets(index)
        weights = [(2.0 * generator.next_unit() - 1.0) * limit for _ in range(end - start)]
        parameters[start:end] = np.array(weights, dtype=np.float64).astype(np.float32)
    return parameters
