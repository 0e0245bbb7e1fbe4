"""A FedWatt client for a model of its own: a small CNN in PyTorch that FedWatt does not implement
(3x3 convolutions with 8 and 16 filters, each with ReLU and 2x2 max-pooling, then a dense layer to
the classes; 9,098 parameters on 28x28x1), run as an external model with federated evaluation.

The parameter vector is PyTorch's own: ``parameters_to_vector(network.parameters())``. The
coordinator takes the initial parameters from the ``.npy`` file ``--write-initial`` writes, sends
the job as ``external:torch-cnn``, records the FLOPs each client reports as client-reported, and the
example-weighted mean of the clients' evaluations on their local test splits as each round's
accuracy. The FLOPs reported are ``torch.utils.flop_counter.FlopCounterMode``'s count of the
round's training (convolutions and matrix products, forward and backward) when this torch has it,
else this file's own count of the same operations.

    python Clients/python/examples/pytorch/torch_cnn_external.py --write-initial out/torch-cnn.npy
    fedwatt-coordinator --model external:torch-cnn --initial-parameters out/torch-cnn.npy --min-clients 3 --port 7000 --out out/job
    fedwatt-py-client --coordinator 127.0.0.1:7000 --id 0 --client Clients/python/examples/pytorch/torch_cnn_external.py:TorchCNNClient
"""

import argparse
import contextlib

import numpy as np
import torch
from torch.nn.utils import parameters_to_vector, vector_to_parameters

import fedwatt_client

try:
    from torch.utils.flop_counter import FlopCounterMode
except ImportError:  # torch before 2.1
    FlopCounterMode = None


def make_network(classes=10, seed=0):
    """The CNN on 1x28x28 images, its weights drawn by PyTorch's default initialisation from ``seed``."""
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(16 * 7 * 7, classes))


def counted_flops(samples):
    """This file's count for ``samples`` training samples: 2 per multiply-add of each convolution
    and dense product forward, and backward its weight gradient and (past the first convolution,
    whose input needs none) its input gradient."""
    first, second, dense = 2 * 28 * 28 * 8 * 9 * 1, 2 * 14 * 14 * 16 * 9 * 8, 2 * 16 * 7 * 7 * 10
    return (2 * first + 3 * second + 3 * dense) * samples


class TorchCNNClient(fedwatt_client.Client):
    """Minibatch SGD in PyTorch (momentum and weight decay as the job asks) on the client's shard."""

    def setup(self, job, client_id):
        """Loads the shard and the local test split as image tensors, and builds the network."""
        if (job.external_model or {}).get("name") != "torch-cnn":
            raise ValueError(f"this example trains external:torch-cnn; the job's model is {job.model}")
        torch.set_num_threads(1)  # one client models one device, as FedWatt's clients do
        self.client_id = client_id
        self.generator = torch.Generator().manual_seed(job.seed * 1000 + client_id)
        train, shard = fedwatt_client.load_shard(job, client_id)
        test, split = fedwatt_client.load_shard(job, client_id, split="test")
        self.inputs = torch.from_numpy(train.scaled(shard).reshape(-1, 1, 28, 28))
        self.labels = torch.from_numpy(train.labels[shard].astype(np.int64))
        self.test_inputs = torch.from_numpy(test.scaled(split).reshape(-1, 1, 28, 28))
        self.test_labels = torch.from_numpy(test.labels[split].astype(np.int64))
        self.network = make_network(train.class_count)
        count = sum(p.numel() for p in self.network.parameters())
        if count != int(job.external_model["parameterCount"]):
            raise ValueError(f"the job's model has {job.external_model['parameterCount']} parameters; this CNN has {count}")

    def _load(self, parameters):
        vector_to_parameters(torch.from_numpy(np.ascontiguousarray(parameters)), self.network.parameters())

    def fit(self, parameters, job):
        """``job.local_epochs`` epochs of minibatch SGD over the shard in a random order."""
        self._load(parameters)
        sgd = job.sgd
        optimizer = torch.optim.SGD(self.network.parameters(), lr=job.learning_rate,
                                    momentum=float(sgd.get("momentum", 0)), weight_decay=float(sgd.get("weightDecay", 0)))
        batch_size = int(sgd["batchSize"])
        loss_sum, samples = 0.0, 0
        counter = FlopCounterMode(display=False) if FlopCounterMode else None
        with counter if counter else contextlib.nullcontext():
            for _ in range(job.local_epochs):
                order = torch.randperm(len(self.labels), generator=self.generator)
                for start in range(0, len(order), batch_size):
                    batch = order[start:start + batch_size]
                    optimizer.zero_grad()
                    loss = torch.nn.functional.cross_entropy(self.network(self.inputs[batch]), self.labels[batch])
                    loss.backward()
                    optimizer.step()
                    loss_sum += loss.item() * len(batch)
                    samples += len(batch)
        flops = counter.get_total_flops() if counter else counted_flops(samples)
        print(f"client {self.client_id} round {job.round}: reports {flops} FLOPs "
              f"({'FlopCounterMode' if counter else 'counted'}; this file's count {counted_flops(samples)})", flush=True)
        parameters = parameters_to_vector(self.network.parameters()).detach().numpy().astype(np.float32)
        return parameters, min(len(self.labels), samples), flops, {"loss": loss_sum / samples}

    def evaluate(self, parameters, job):
        """Mean loss and accuracy of the global model on this client's local test split."""
        self._load(parameters)
        with torch.no_grad():
            logits = self.network(self.test_inputs)
            loss = torch.nn.functional.cross_entropy(logits, self.test_labels)
            accuracy = (logits.argmax(dim=1) == self.test_labels).float().mean()
        return float(loss), float(accuracy), len(self.test_labels)


def main():
    parser = argparse.ArgumentParser(description="Writes the CNN's initial parameters (PyTorch's layout) as a .npy file.")
    parser.add_argument("--write-initial", required=True, help="the .npy file to write")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    parameters = parameters_to_vector(make_network(seed=args.seed).parameters()).detach().numpy().astype(np.float32)
    np.save(args.write_initial, parameters)
    print(f"wrote {args.write_initial}: {parameters.size} float32 parameters (torch {torch.__version__})")


if __name__ == "__main__":
    main()
