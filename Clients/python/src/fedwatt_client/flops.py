"""The analytic FLOP count of FedWatt's dense models (docs/ARCHITECTURE.md, "FLOP counting")."""


def forward_flops_per_sample(layer_sizes):
    """One sample's forward pass: ``2·in·out + out`` per layer, plus ReLU (1 per hidden unit) or softmax (3 per class)."""
    flops = 0
    layers = len(layer_sizes) - 1
    for l in range(layers):
        inputs, outputs = layer_sizes[l], layer_sizes[l + 1]
        flops += 2 * inputs * outputs + outputs
        flops += outputs if l < layers - 1 else 3 * outputs
    return flops


def backward_flops_per_sample(layer_sizes):
    """One sample's backward pass: weight and bias gradients everywhere, input gradients past the first layer."""
    flops = layer_sizes[-1]
    for l in range(len(layer_sizes) - 1):
        inputs, outputs = layer_sizes[l], layer_sizes[l + 1]
        flops += 2 * inputs * outputs + outputs
        if l > 0:
            flops += 2 * inputs * outputs + inputs
    return flops


def parameter_count(layer_sizes):
    """Weights and biases of a dense model."""
    return sum(layer_sizes[l] * layer_sizes[l + 1] + layer_sizes[l + 1] for l in range(len(layer_sizes) - 1))


def training_flops(layer_sizes, samples, batches, sgd):
    """FLOPs of training on ``samples`` samples in ``batches`` SGD steps under the job's ``sgd`` settings."""
    per_parameter = 2
    if sgd.get("weightDecay", 0):
        per_parameter += 2
    if sgd.get("proximalMu", 0):
        per_parameter += 3
    if sgd.get("momentum", 0):
        per_parameter += 2
    return (samples * (forward_flops_per_sample(layer_sizes) + backward_flops_per_sample(layer_sizes))
            + batches * per_parameter * parameter_count(layer_sizes))
