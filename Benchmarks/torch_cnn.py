"""PyTorch twin of FedWatt's CNN training epoch, for Benchmarks/run-training-benchmark.sh.

Reads the data, initial weights and batch order the Swift benchmark wrote, trains one epoch of the
FedAvg paper's CNN (5x5 conv 32, ReLU, 2x2 max-pool, 5x5 conv 64, ReLU, 2x2 max-pool, dense 512,
ReLU, dense 10; same padding; softmax cross-entropy; plain SGD) for each batch size on one thread,
and prints JSON with the median epoch time, how far the final weights are from FedWatt's, and the
loss and accuracy of both final weights on the epoch's samples.

FedWatt's layout (docs/PROTOCOL.md): convolution weights are kernel row x kernel column x input
channel x filter; dense weights are inputs x outputs; samples are height x width x channels, so the
first dense layer's inputs are in (row, column, channel) order. The Python client package
(Clients/python/src, NumPy only) maps it to PyTorch's tensors and back.
Usage: torch_cnn.py FOLDER REPEATS LEARNING_RATE BATCH,BATCH,...
"""
import json
import pathlib
import sys
import time

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "Clients" / "python" / "src"))
from fedwatt_client.layers import Convolution, Dense, Flatten, MaxPool, ReLU, SampleShape  # noqa: E402
from fedwatt_client.model_architecture import ModelArchitecture  # noqa: E402
from fedwatt_client.torch_layout import from_torch_layout, to_torch_layout  # noqa: E402

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

# FedWatt's CNN, whose layout fedwatt_client.torch_layout maps to and from PyTorch's parameters.
CNN = ModelArchitecture(SampleShape(28, 28, 1), [
    Convolution(5, 32, "same"), ReLU(), MaxPool(), Convolution(5, 64, "same"), ReLU(), MaxPool(),
    Flatten(), Dense(512), ReLU(), Dense(10)])


def model():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(3136, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))


def load(net, flat):
    with torch.no_grad():
        for tensor, values in zip(net.parameters(), to_torch_layout(CNN, flat.numpy())):
            tensor.copy_(torch.from_numpy(values))


def flatten(net):
    return torch.from_numpy(from_torch_layout(CNN, [p.detach().numpy() for p in net.parameters()]))


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
