"""A FedWatt client that trains FedWatt's dense models (``--model mlp`` or ``softmax``) in PyTorch on
its Fashion-MNIST shard, beside Swift clients.

The flat parameter vector is FedWatt's layout (each layer's ``inputs x outputs`` weights row-major,
then its biases); ``torch.nn.Linear`` keeps ``outputs x inputs``, so weights are transposed on the
way in and out. The Update reports FedWatt's analytic FLOP count (docs/ARCHITECTURE.md), which the
coordinator checks for its own models (within 1%, else error 22). Each round also prints the count of
``torch.utils.flop_counter.FlopCounterMode`` when this torch has one (matrix products only).

    fedwatt-py-client --coordinator 127.0.0.1:7000 --id 0 --client Clients/python/examples/pytorch/torch_mlp.py:TorchMLPClient
"""

import contextlib

import numpy as np
import torch

import fedwatt_client
from fedwatt_client.dataset import load_dataset
from fedwatt_client.flops import training_flops

try:
    from torch.utils.flop_counter import FlopCounterMode
except ImportError:  # torch before 2.1
    FlopCounterMode = None


class TorchMLPClient(fedwatt_client.Client):
    """SGD in PyTorch (momentum, weight decay and FedProx's proximal term as the job asks)."""

    def setup(self, job, client_id):
        """Loads the shard (as one float32 tensor) and the test split, and builds the network."""
        if not job.layer_sizes:
            raise ValueError(f"this example trains FedWatt's dense models; the job's model is {job.model}")
        torch.set_num_threads(1)  # one client models one device, as FedWatt's clients do
        torch.manual_seed(job.seed * 1000 + client_id)
        self.client_id = client_id
        train, shard = fedwatt_client.load_shard(job, client_id)
        self.inputs = torch.from_numpy(train.scaled(shard))
        self.labels = torch.from_numpy(train.labels[shard].astype(np.int64))
        test = load_dataset(job.dataset, "test")
        self.test_inputs = torch.from_numpy(test.scaled())
        self.test_labels = torch.from_numpy(test.labels.astype(np.int64))
        sizes = job.layer_sizes
        layers = []
        for l in range(len(sizes) - 1):
            layers.append(torch.nn.Linear(sizes[l], sizes[l + 1]))
            if l < len(sizes) - 2:
                layers.append(torch.nn.ReLU())
        self.network = torch.nn.Sequential(*layers)
        self.linears = [m for m in self.network if isinstance(m, torch.nn.Linear)]

    def _load(self, parameters):
        offset = 0
        with torch.no_grad():
            for linear in self.linears:
                outputs, inputs = linear.weight.shape
                weights = parameters[offset:offset + inputs * outputs].reshape(inputs, outputs)
                linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(weights.T)))
                offset += inputs * outputs
                linear.bias.copy_(torch.from_numpy(parameters[offset:offset + outputs]))
                offset += outputs

    def _flat(self):
        parts = []
        for linear in self.linears:
            parts.append(linear.weight.detach().T.contiguous().numpy().ravel())
            parts.append(linear.bias.detach().numpy())
        return np.concatenate(parts).astype(np.float32)

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
        flops = training_flops(job.layer_sizes, samples, batches, sgd)
        if counter:
            print(f"client {self.client_id} round {job.round}: FlopCounterMode {counter.get_total_flops()}, analytic {flops}",
                  flush=True)
        return self._flat(), min(len(self.labels), samples), flops, {"loss": loss_sum / samples}

    def evaluate(self, parameters, job):
        """Mean loss and accuracy of the global model on the 10,000 test images."""
        self._load(parameters)
        with torch.no_grad():
            logits = self.network(self.test_inputs)
            loss = torch.nn.functional.cross_entropy(logits, self.test_labels)
            accuracy = (logits.argmax(dim=1) == self.test_labels).float().mean()
        return float(loss), float(accuracy), len(self.test_labels)
