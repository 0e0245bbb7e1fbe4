"""The layers of FedWatt's networks (docs/PROTOCOL.md, "The model"): each one's JSON, output shape,
parameter count, initialisation fans and analytic FLOPs (docs/ARCHITECTURE.md, "FLOP counting")."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class SampleShape:
    """``height x width x channels`` values a sample, stored pixel by pixel with a pixel's channels
    side by side; a flat sample of ``n`` values is ``1 x 1 x n``."""

    height: int
    width: int
    channels: int

    @classmethod
    def flat(cls, count):
        return cls(1, 1, count)

    @classmethod
    def from_json(cls, value):
        """``{"height": h, "width": w, "channels": c}``, each a positive integer."""
        sides = [value[key] for key in ("height", "width", "channels")]
        if not all(isinstance(side, int) and side > 0 for side in sides):
            raise ValueError(f"a sample shape needs a positive integer height, width and channels, got {value}")
        return cls(*sides)

    @property
    def is_flat(self):
        return self.height == 1 and self.width == 1

    @property
    def feature_count(self):
        return self.height * self.width * self.channels

    def __str__(self):
        return f"{self.height}x{self.width}x{self.channels}"


class Layer:
    """One layer; the subclasses are the five kinds a job can name. By default a layer has no
    parameters and keeps its input's shape."""

    bias_count = 0

    def output_shape(self, shape):
        """The shape this layer writes for an input of ``shape``; ValueError, naming both, if it cannot take it."""
        return shape

    def refuse(self, shape, reason):
        return ValueError(f"{self} cannot take {shape} samples: {reason}")

    def weight_count(self, shape):
        """Weights for an input of ``shape`` (biases not included)."""
        return 0

    def fans(self, shape):
        """Fan-in and fan-out of one weight, for the initialisation."""
        return 0, 0

    def forward_flops(self, shape, output):
        """One sample's forward FLOPs for an input of ``shape`` that gives ``output``."""
        return 0

    def backward_flops(self, shape, output, passes_gradient_back):
        """One sample's backward FLOPs; ``passes_gradient_back``: the input's gradient is needed too."""
        return 0

    @property
    def has_parameters(self):
        return self.bias_count > 0


@dataclasses.dataclass(frozen=True)
class Convolution(Layer):
    """2-D convolution, stride 1, square ``kernel``, ``filters`` outputs a pixel, ``same`` or ``valid`` padding."""

    kernel: int
    filters: int
    padding: str

    def output_shape(self, shape):
        if self.padding == "same":
            if self.kernel % 2 != 1:
                raise self.refuse(shape, "same padding needs an odd kernel")
            return SampleShape(shape.height, shape.width, self.filters)
        if shape.height < self.kernel or shape.width < self.kernel:
            raise self.refuse(shape, "the kernel is larger than the input")
        return SampleShape(shape.height - self.kernel + 1, shape.width - self.kernel + 1, self.filters)

    @property
    def bias_count(self):
        return self.filters

    def weight_count(self, shape):
        return self.kernel * self.kernel * shape.channels * self.filters

    def fans(self, shape):
        return self.kernel * self.kernel * shape.channels, self.kernel * self.kernel * self.filters

    def forward_flops(self, shape, output):
        pixels = output.height * output.width
        return 2 * self.weight_count(shape) * pixels + output.feature_count

    def backward_flops(self, shape, output, passes_gradient_back):
        pixels = output.height * output.width
        product = 2 * self.weight_count(shape) * pixels
        # The input gradient: another product, and col2im's add of each patch entry.
        back = product + pixels * self.kernel * self.kernel * shape.channels if passes_gradient_back else 0
        return product + output.feature_count + back

    def __str__(self):
        return f"conv{self.kernel}x{self.kernel}x{self.filters}-{self.padding}"


@dataclasses.dataclass(frozen=True)
class MaxPool(Layer):
    """2x2 max-pooling, stride 2; an odd last row or column is dropped."""

    def output_shape(self, shape):
        if shape.height < 2 or shape.width < 2:
            raise self.refuse(shape, "2x2 max-pooling needs at least 2x2")
        return SampleShape(shape.height // 2, shape.width // 2, shape.channels)

    def forward_flops(self, shape, output):
        return 3 * output.feature_count

    def __str__(self):
        return "maxpool2x2"


@dataclasses.dataclass(frozen=True)
class ReLU(Layer):
    """``max(0, x)`` value by value."""

    def forward_flops(self, shape, output):
        return output.feature_count

    def backward_flops(self, shape, output, passes_gradient_back):
        return output.feature_count if passes_gradient_back else 0

    def __str__(self):
        return "relu"


@dataclasses.dataclass(frozen=True)
class Flatten(Layer):
    """``h x w x c`` to ``1 x 1 x hwc``, the values in the same order."""

    def output_shape(self, shape):
        return SampleShape.flat(shape.feature_count)

    def __str__(self):
        return "flatten"


@dataclasses.dataclass(frozen=True)
class Dense(Layer):
    """A fully connected layer on a flat input, ``outputs`` outputs with a bias each."""

    outputs: int

    def output_shape(self, shape):
        if not shape.is_flat:
            raise self.refuse(shape, "a dense layer needs a flat input: flatten first")
        return SampleShape.flat(self.outputs)

    @property
    def bias_count(self):
        return self.outputs

    def weight_count(self, shape):
        return shape.feature_count * self.outputs

    def fans(self, shape):
        return shape.feature_count, self.outputs

    def forward_flops(self, shape, output):
        return 2 * self.weight_count(shape) + self.outputs

    def backward_flops(self, shape, output, passes_gradient_back):
        product = 2 * self.weight_count(shape)
        return product + self.outputs + (product if passes_gradient_back else 0)

    def __str__(self):
        return f"dense{self.outputs}"


def layer_from_json(value):
    """A layer of the job's ``model.layers``: an object with one key, e.g. ``{"dense": {"outputs": 10}}``."""
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(f"a layer is an object with one key, got {value!r}")
    (kind, settings), = value.items()
    if not isinstance(settings, dict):
        raise ValueError(f"layer {kind}'s settings must be an object, got {settings!r}")

    def positive(key):
        number = settings.get(key)
        if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
            raise ValueError(f"layer {kind} needs a positive integer {key}, got {number!r}")
        return number

    if kind == "convolution":
        if settings.get("padding") not in ("same", "valid"):
            raise ValueError(f"a convolution's padding is same or valid, got {settings.get('padding')!r}")
        return Convolution(positive("kernel"), positive("filters"), settings["padding"])
    if kind == "dense":
        return Dense(positive("outputs"))
    simple = {"maxPool": MaxPool, "relu": ReLU, "flatten": Flatten}
    if kind not in simple:
        raise ValueError(f"unknown layer {kind!r} (convolution, maxPool, relu, flatten, dense)")
    return simple[kind]()
