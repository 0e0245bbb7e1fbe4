"""A FedWatt network as a job describes it (``ModelArchitecture`` in Swift; docs/PROTOCOL.md, "The
model"): its layers, their output shapes and where each layer's parameters sit in the flat vector."""

from .layers import Dense, Flatten, ReLU, SampleShape, layer_from_json


class ModelArchitecture:
    """A stack of layers on samples of ``input_shape``, ending in a dense layer of class scores (the
    softmax with the cross-entropy loss is not a layer). The parameters are one flat float32 vector,
    layer by layer, each layer's weights then its biases."""

    def __init__(self, input_shape, layers):
        """Checks that each layer takes what the one before writes and that the last is dense; the
        ValueError names the shapes."""
        if not layers or not isinstance(layers[-1], Dense):
            raise ValueError("a model's last layer must be dense, with one output per class")
        self.input_shape = input_shape
        self.layers = list(layers)
        self.shapes = []
        shape = input_shape
        for index, layer in enumerate(self.layers):
            try:
                shape = layer.output_shape(shape)
            except ValueError as error:
                raise ValueError(f"a model on {input_shape} samples, layer {index + 1} of {len(layers)}: {error}") from None
            self.shapes.append(shape)

    @classmethod
    def from_layer_sizes(cls, sizes):
        """A fully connected network, widths input first, with a ReLU between its dense layers."""
        if len(sizes) < 2 or not all(isinstance(size, int) and size > 0 for size in sizes):
            raise ValueError(f"need at least two positive layer widths, got {sizes}")
        layers = [Dense(sizes[1])]
        for width in sizes[2:]:
            layers += [ReLU(), Dense(width)]
        return cls(SampleShape.flat(sizes[0]), layers)

    @classmethod
    def from_json(cls, model):
        """The job's ``model``: ``{"layerSizes": [...]}`` or ``{"inputShape": {...}, "layers": [...]}``."""
        if "layerSizes" in model:
            return cls.from_layer_sizes(model["layerSizes"])
        if "inputShape" not in model or not isinstance(model.get("layers"), list):
            raise ValueError(f"a model is layerSizes, or inputShape and layers; got keys {sorted(model)}")
        return cls(SampleShape.from_json(model["inputShape"]), [layer_from_json(layer) for layer in model["layers"]])

    @classmethod
    def of(cls, model):
        """``model`` as a ModelArchitecture: one already, a job's ``model`` JSON object, or a dense
        network's layer widths."""
        if isinstance(model, cls):
            return model
        if isinstance(model, dict):
            return cls.from_json(model)
        return cls.from_layer_sizes(list(model))

    def input_shape_of(self, index):
        """The shape layer ``index`` reads."""
        return self.input_shape if index == 0 else self.shapes[index - 1]

    @property
    def class_count(self):
        return self.shapes[-1].feature_count

    @property
    def parameter_count(self):
        """Weights and biases."""
        return self.offsets(len(self.layers))[0]

    def offsets(self, index):
        """Where layer ``index``'s weights and biases start in the flat vector (``index`` = the
        number of layers: the end of the vector)."""
        offset = 0
        for k in range(index):
            offset += self.layers[k].weight_count(self.input_shape_of(k)) + self.layers[k].bias_count
        if index == len(self.layers):
            return offset, offset
        return offset, offset + self.layers[index].weight_count(self.input_shape_of(index))

    def unflattened_input(self, index):
        """The shape of the values dense layer ``index`` reads before a flatten made them flat
        (past element-wise layers), or its own flat input shape if no flatten precedes it."""
        k = index - 1
        while k >= 0 and isinstance(self.layers[k], ReLU):
            k -= 1
        return self.input_shape_of(k) if k >= 0 and isinstance(self.layers[k], Flatten) else self.input_shape_of(index)

    def __str__(self):
        return " ".join([str(self.input_shape)] + [str(layer) for layer in self.layers])
