"""A FedWatt client that trains any of FedWatt's own models (``--model softmax``, ``mlp``, ``lenet5``
or ``cnn``) in PyTorch on its shard, beside Swift clients: the network is built from the job's
layers (``Conv2d``, ``ReLU``, ``MaxPool2d``, ``Flatten``, ``Linear``).

The flat parameter vector is FedWatt's layout; ``fedwatt_client.torch_layout`` maps it to PyTorch's
tensors and back (a convolution's ``k x k x c x f`` weights to ``f x c x k x k``, a dense layer's ``m x
n`` to ``n x m``, and the first dense layer after a flatten from (row, column, channel) inputs to
(channel, row, column)). Samples arrive as FedWatt stores them, ``h x w x c``, and are handed to
PyTorch as ``c x h x w``. The Update reports FedWatt's analytic FLOP count (docs/ARCHITECTURE.md),
which the coordinator checks for its own models (within 1%, else error 22). Each round also prints
the count of ``torch.utils.flop_counter.FlopCounterMode`` when this torch has one (convolutions and
matrix products only).

    fedwatt-py-client --coordinator 127.0.0.1:7000 --id 0 --client Clients/python/examples/pytorch/torch_model.py:TorchModelClient
"""

import contextlib

import numpy as np
import torch

import fedwatt_client
from fedwatt_client.dataset import load_dataset
from fedwatt_client.flops import training_flops
from fedwatt_client.layers import Convolution, Dense, Flatten, MaxPool, ReLU
from fedwatt_client.torch_layout import from_torch_layout, to_torch_layout

try:
    from torch.utils.flop_counter import FlopCounterMode
except ImportError:  # torch before 2.1
    FlopCounterMode = None


def torch_network(architecture):
    """A ``torch.nn.Sequential`` of the architecture's layers, taking ``c x h x w`` samples (flat
    ones for a network on flat input)."""
    modules = []
    for index, layer in enumerate(architecture.layers):
        shape = architecture.input_shape_of(index)
        if isinstance(layer, Convolution):
            padding = (layer.kernel - 1) // 2 if layer.padding == "same" else 0
            modules.append(torch.nn.Conv2d(shape.channels, layer.filters, layer.kernel, padding=padding))
        elif isinstance(layer, Dense):
            modules.append(torch.nn.Linear(shape.feature_count, layer.outputs))
        else:
            modules.append({MaxPool: lambda: torch.nn.MaxPool2d(2), ReLU: torch.nn.ReLU, Flatten: torch.nn.Flatten}[type(layer)]())
    return torch.nn.Sequential(*modules)


def torch_samples(architecture, rows):
    """FedWatt's float32 sample rows (``h x w x c`` values each) as PyTorch's input tensor."""
    shape = architecture.input_shape
    if shape.is_flat:
        return torch.from_numpy(rows)
    return torch.from_numpy(rows.reshape(-1, shape.height, shape.width, shape.channels)).permute(0, 3, 1, 2).contiguous()


class TorchModelClient(fedwatt_client.Client):
    """SGD in PyTorch (momentum, weight decay and FedProx's proximal term as the job asks)."""

    def setup(self, job, client_id):
        """Loads the shard and the test split as tensors, and builds the network."""
        if job.architecture is None:
            raise ValueError(f"this example trains FedWatt's own models; the job's model is {job.model}")
        torch.set_num_threads(1)  # one client models one device, as FedWatt's clients do
        torch.manual_seed(job.seed * 1000 + client_id)
        self.client_id = client_id
        self.architecture = job.architecture
        train, shard = fedwatt_client.load_shard(job, client_id)
        self.inputs = torch_samples(self.architecture, train.scaled(shard))
        self.labels = torch.from_numpy(train.labels[shard].astype(np.int64))
        test = load_dataset(job.dataset, "test")
        self.test_inputs = torch_samples(self.architecture, test.scaled())
        self.test_labels = torch.from_numpy(test.labels.astype(np.int64))
        self.network = torch_network(self.architecture)

    def _load(self, parameters):
        with torch.no_grad():
            for tensor, values in zip(self.network.parameters(), to_torch_layout(self.architecture, parameters)):
                tensor.copy_(torch.from_numpy(values))

    def _flat(self):
        return from_torch_layout(self.architecture, [p.detach().numpy() for p in self.network.parameters()])

    def fit(self, parameters, job):
        """``job.local_epochs`` epochs of minibatch SGD over the shard in a random order, at most
        ``job.step_limit`` steps."""
        self._load(parameters)
        sgd = job.sgd
        anchor = [p.detach().clone() for p in self.network.parameters()]
        mu = float(sgd.get("proximalMu", 0))
        optimizer = torch.optim.SGD(self.network.parameters(), lr=job.learning_rate,
                                    momentum=float(sgd.get("momentum", 0)), weight_decay=float(sgd.get("weightDecay", 0)))
        batch_size = int(sgd["batchSize"])
        loss_sum, batches, samples = 0.0, 0, 0
        steps = job.local_steps(len(self.labels))
        counter = FlopCounterMode(display=False) if FlopCounterMode else None
        with counter if counter else contextlib.nullcontext():
            for _ in range(job.local_epochs):
                order = torch.randperm(len(self.labels))
                for start in range(0, len(order), batch_size):
                    if batches == steps:
                        break
                    batch = order[start:start + batch_size]
                    optimizer.zero_grad()
                    cross_entropy = torch.nn.functional.cross_entropy(self.network(self.inputs[batch]), self.labels[batch])
                    loss = cross_entropy
                    if mu:
                        loss = loss + mu / 2 * sum(((p - a) ** 2).sum() for p, a in zip(self.network.parameters(), anchor))
                    loss.backward()
                    optimizer.step()
                    loss_sum += float(cross_entropy) * len(batch)
                    samples += len(batch)
                    batches += 1
        flops = training_flops(self.architecture, samples, batches, sgd)
        if counter:
            print(f"client {self.client_id} round {job.round}: FlopCounterMode {counter.get_total_flops()}, analytic {flops}",
                  flush=True)
        return self._flat(), min(len(self.labels), samples), flops, {"loss": loss_sum / samples}

    def evaluate(self, parameters, job):
        """Mean loss and accuracy of the global model on the 10,000 test images."""
        self._load(parameters)
        with torch.no_grad():
            logits = torch.cat([self.network(self.test_inputs[first:first + 1000])
                                for first in range(0, len(self.test_labels), 1000)])
            loss = torch.nn.functional.cross_entropy(logits, self.test_labels)
            accuracy = (logits.argmax(dim=1) == self.test_labels).float().mean()
        return float(loss), float(accuracy), len(self.test_labels)
