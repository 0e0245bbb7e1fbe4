"""PyTorch twin of FedWatt's CNN training epoch, for Benchmarks/run-training-benchmark.sh.

Reads the data, initial weights and batch order the Swift benchmark wrote, trains one epoch of the
FedAvg paper's CNN (5x5 conv 32, ReLU, 2x2 max-pool, 5x5 conv 64, ReLU, 2x2 max-pool, dense 512,
ReLU, dense 10; same padding; softmax cross-entropy; plain SGD) for each batch size on one thread,
and prints JSON with the median epoch time, how far the final weights are from FedWatt's, and the
loss and accuracy of both final weights on the epoch's samples.

FedWatt's layout (docs/PROTOCOL.md): convolution weights are kernel row x kernel column x input
channel x filter; dense weights are inputs x outputs; samples are height x width x channels, so the
first dense layer's inputs are in (row, column, channel) order.
Usage: torch_cnn.py FOLDER REPEATS LEARNING_RATE BATCH,BATCH,...
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
folder, repeats, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
batch_sizes = [int(b) for b in sys.argv[4].split(",")]


def read(name, dtype):
    with open(f"{folder}/{name}", "rb") as handle:
        return torch.frombuffer(bytearray(handle.read()), dtype=dtype)


x_all = (read("pixels.u8", torch.uint8).float() * (1 / 255)).reshape(-1, 1, 28, 28)
y_all = read("labels.u8", torch.uint8).long()
order = read("order.i32", torch.int32).long()
initial = read("initial.f32", torch.float32)

# (FedWatt shape, permutation to PyTorch's, PyTorch shape) of each weight; biases follow each weight.
LAYOUT = [
    ((5, 5, 1, 32), (3, 2, 0, 1)),
    ((5, 5, 32, 64), (3, 2, 0, 1)),
    ((7, 7, 64, 512), (3, 2, 0, 1)),  # flatten: (row, column, channel) in FedWatt, (channel, row, column) in PyTorch
    ((512, 10), (1, 0)),
]


def model():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(3136, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))


def parameters_of(net):
    weights = [m for m in net if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    return [(m.weight, m.bias) for m in weights]


def load(net, flat):
    offset = 0
    with torch.no_grad():
        for (weight, bias), (shape, permutation) in zip(parameters_of(net), LAYOUT):
            count = weight.numel()
            weight.copy_(flat[offset:offset + count].reshape(shape).permute(permutation).reshape(weight.shape))
            offset += count
            bias.copy_(flat[offset:offset + bias.numel()])
            offset += bias.numel()


def flatten(net):
    parts = []
    for (weight, bias), (shape, permutation) in zip(parameters_of(net), LAYOUT):
        inverse = [permutation.index(i) for i in range(len(permutation))]
        permuted = [shape[i] for i in permutation]
        parts += [weight.detach().reshape(permuted).permute(inverse).reshape(-1), bias.detach()]
    return torch.cat(parts)


def epoch(batch):
    net = model()
    load(net, initial)
    optimizer = torch.optim.SGD(net.parameters(), lr=rate)
    start = time.perf_counter()
    for first in range(0, len(order), batch):
        index = order[first:first + batch]
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(net(x_all[index]), y_all[index])
        loss.backward()
        optimizer.step()
    return flatten(net), time.perf_counter() - start


def quality(flat):
    """Mean loss and accuracy of FedWatt-layout weights on the epoch's samples."""
    net = model()
    load(net, flat)
    with torch.no_grad():
        logits = net(x_all)
    return float(torch.nn.functional.cross_entropy(logits, y_all)), float((logits.argmax(1) == y_all).float().mean())


result = {
    "torch_version": torch.__version__,
    "threads": torch.get_num_threads(),
    "mkldnn": torch.backends.mkldnn.is_available(),
}
for batch in batch_sizes:
    swift_final = read(f"swift-final-{batch}.f32", torch.float32)
    runs = [epoch(batch) for _ in range(repeats + 1)][1:]  # the first is a warm-up
    final = runs[-1][0]
    times = sorted(seconds for _, seconds in runs)
    result[f"batch{batch}"] = {
        "median_seconds": times[len(times) // 2],
        "max_abs_weight_difference": float((final - swift_final).abs().max()),
        "relative_l2_difference": float((final - swift_final).norm() / (swift_final - initial).norm()),
        "fedwatt_loss_accuracy": quality(swift_final),
        "torch_loss_accuracy": quality(final),
    }
print(json.dumps(result))
