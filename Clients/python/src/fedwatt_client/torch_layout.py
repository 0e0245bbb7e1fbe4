"""FedWatt's flat parameter vector to and from PyTorch's tensors (docs/PROTOCOL.md, "Parameter
layout"), in NumPy, for a ``torch.nn.Sequential`` of the same layers (``Conv2d``, ``ReLU``,
``MaxPool2d(2)``, ``Flatten``, ``Linear``).

FedWatt keeps a convolution's weights as ``k x k x c x f`` (HWIO) and a dense layer's as ``m x n``;
PyTorch as ``f x c x k x k`` and ``n x m``. After a flatten, FedWatt's dense inputs come in (row,
column, channel) order and PyTorch's in (channel, row, column), so that weight is FedWatt's matrix
read as ``h x w x c x n`` and permuted like a convolution's."""

import numpy as np

from .layers import Convolution
from .model_architecture import ModelArchitecture

#: FedWatt's ``h x w x c x n`` (or ``k x k x c x f``) weight to PyTorch's ``n x c x h x w``.
_TO_TORCH = (3, 2, 0, 1)


def _weight_layouts(model):
    """For each layer with parameters: its weights' and biases' offsets, the weights' FedWatt shape
    and the permutation to PyTorch's, and PyTorch's 2-D or 4-D shape."""
    layouts = []
    for index, layer in enumerate(model.layers):
        if not layer.has_parameters:
            continue
        shape = model.input_shape_of(index)
        if isinstance(layer, Convolution):
            k = layer.kernel
            fedwatt, torch = (k, k, shape.channels, layer.filters), (layer.filters, shape.channels, k, k)
        else:
            source = model.unflattened_input(index)
            fedwatt = (source.height, source.width, source.channels, layer.outputs)
            torch = (layer.outputs, shape.feature_count)
        layouts.append((model.offsets(index), fedwatt, torch))
    return layouts


def to_torch_layout(model, flat):
    """``flat`` (FedWatt's layout) as the arrays of PyTorch's ``parameters()``, in order: each
    layer's weight in PyTorch's shape, then its bias."""
    model = ModelArchitecture.of(model)
    arrays = []
    for (start, biases), fedwatt, torch in _weight_layouts(model):
        weights = np.asarray(flat[start:biases]).reshape(fedwatt).transpose(_TO_TORCH)
        arrays += [np.ascontiguousarray(weights).reshape(torch), np.asarray(flat[biases:biases + torch[0]])]
    return arrays


def from_torch_layout(model, arrays):
    """The flat float32 vector in FedWatt's layout from PyTorch's ``parameters()`` (NumPy arrays,
    each layer's weight then its bias); ValueError if they are not that model's."""
    model = ModelArchitecture.of(model)
    layouts = _weight_layouts(model)
    sizes = [int(np.prod(torch)) for _, _, torch in layouts for torch in (torch, torch[:1])]
    given = [int(np.size(array)) for array in arrays]
    if given != sizes:
        raise ValueError(f"tensors of {given} values given; the model {model} has weights and biases of {sizes}")
    parts = []
    for (_, fedwatt, _), weights, bias in zip(layouts, arrays[0::2], arrays[1::2]):
        permuted = [fedwatt[axis] for axis in _TO_TORCH]
        parts += [np.asarray(weights).reshape(permuted).transpose(np.argsort(_TO_TORCH)).ravel(), np.asarray(bias).ravel()]
    return np.concatenate(parts).astype(np.float32)
