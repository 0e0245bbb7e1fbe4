"""The analytic FLOP count of FedWatt's models (docs/ARCHITECTURE.md, "FLOP counting"): what a client
of one of FedWatt's own models reports, and the coordinator checks within 1% (error 22).

Each function takes a :class:`ModelArchitecture`, a job's ``model`` JSON object, or a dense
network's layer widths (input first)."""

from .model_architecture import ModelArchitecture


def forward_flops_per_sample(model):
    """One sample's forward pass: every layer's (a product counts 2 per multiply-add, element-wise
    steps 1 per value, 2x2 max-pooling 3 per output), plus the softmax (3 per class)."""
    model = ModelArchitecture.of(model)
    return 3 * model.class_count + sum(
        layer.forward_flops(model.input_shape_of(index), model.shapes[index]) for index, layer in enumerate(model.layers))


def backward_flops_per_sample(model):
    """One sample's backward pass: the loss gradient (1 per class), then, from the last layer back
    to the first with parameters, each layer's parameter gradients and, past that first one, its
    input gradient (a convolution's with col2im's adds) or ReLU's mask."""
    model = ModelArchitecture.of(model)
    first = next(index for index, layer in enumerate(model.layers) if layer.has_parameters)
    return model.class_count + sum(
        model.layers[index].backward_flops(model.input_shape_of(index), model.shapes[index], index > first)
        for index in range(first, len(model.layers)))


def parameter_count(model):
    """Weights and biases."""
    return ModelArchitecture.of(model).parameter_count


def training_flops(model, samples, batches, sgd):
    """FLOPs of training on ``samples`` samples in ``batches`` SGD steps under the job's ``sgd`` settings."""
    model = ModelArchitecture.of(model)
    per_parameter = 2
    if sgd.get("weightDecay", 0):
        per_parameter += 2
    if sgd.get("proximalMu", 0):
        per_parameter += 3
    if sgd.get("momentum", 0):
        per_parameter += 2
    return (samples * (forward_flops_per_sample(model) + backward_flops_per_sample(model))
            + batches * per_parameter * model.parameter_count)
