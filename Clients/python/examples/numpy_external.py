"""A FedWatt client for a model FedWatt does not implement: a tanh MLP in NumPy (FedWatt's own MLP
has ReLU), with its own parameter layout (PyTorch's: each layer's ``outputs x inputs`` weights,
then its biases), its own FLOP count, and federated evaluation on the client's local test split.

The coordinator learns the model's size and initial parameters from a ``.npy`` file, sends it as
``external:NAME``, and records the clients' FLOPs as client-reported and their evaluations'
example-weighted means as the round's accuracy::

    python Clients/python/examples/numpy_external.py --write-initial out/tanh-mlp.npy --inputs 784 --hidden 32 --classes 10
    fedwatt-coordinator --model external:tanh-mlp --initial-parameters out/tanh-mlp.npy --min-clients 3 --port 7000 --out out/job
    fedwatt-py-client --coordinator 127.0.0.1:7000 --id 0 --client Clients/python/examples/numpy_external.py:TanhMLPClient
"""

import argparse

import numpy as np

import fedwatt_client


def layer_shapes(inputs, hidden, classes):
    """``[(outputs, inputs), ...]`` of the two dense layers."""
    return [(hidden, inputs), (classes, hidden)]


def initial_parameters(inputs, hidden, classes, seed=0):
    """Glorot-uniform weights and zero biases, flat in this model's layout (float32)."""
    rng = np.random.default_rng(seed)
    parts = []
    for outputs, fan_in in layer_shapes(inputs, hidden, classes):
        limit = np.sqrt(6.0 / (fan_in + outputs))
        parts += [rng.uniform(-limit, limit, size=(outputs, fan_in)).astype(np.float32).ravel(), np.zeros(outputs, np.float32)]
    return np.concatenate(parts)


class TanhMLPClient(fedwatt_client.Client):
    """One tanh hidden layer and a softmax, trained by minibatch SGD; the hidden width is read from
    the model's parameter count (``inputs·h + h + h·classes + classes``)."""

    def setup(self, job, client_id):
        """Loads the training shard and the local test split; sizes the network from the job."""
        external = job.external_model
        if external is None:
            raise ValueError(f"this example trains an external model; the job's model is {job.model}")
        self.train, self.shard = fedwatt_client.load_shard(job, client_id)
        self.test, self.test_split = fedwatt_client.load_shard(job, client_id, split="test")
        inputs, classes = self.train.pixels.shape[1], self.train.class_count
        hidden, remainder = divmod(int(external["parameterCount"]) - classes, inputs + 1 + classes)
        if remainder or hidden <= 0:
            raise ValueError(f"{external['parameterCount']} parameters are no tanh MLP on {inputs} inputs and {classes} classes")
        self.shapes = layer_shapes(inputs, hidden, classes)
        self.rng = np.random.default_rng(job.seed * 1000 + client_id)

    def _layers(self, parameters):
        layers, offset = [], 0
        for outputs, inputs in self.shapes:
            weights = parameters[offset:offset + outputs * inputs].reshape(outputs, inputs)
            offset += outputs * inputs
            layers.append((weights, parameters[offset:offset + outputs]))
            offset += outputs
        return layers

    def _forward(self, layers, inputs):
        (w1, b1), (w2, b2) = layers
        hidden = np.tanh(inputs @ w1.T + b1)
        logits = hidden @ w2.T + b2
        logits = logits - logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        return hidden, probabilities

    def fit(self, parameters, job):
        """``job.local_epochs`` epochs of minibatch SGD over the shard in a random order."""
        parameters = parameters.copy()
        layers = self._layers(parameters)  # views into ``parameters``: updated in place
        (w1, b1), (w2, b2) = layers
        batch_size, rate = int(job.sgd["batchSize"]), np.float32(job.learning_rate)
        loss_sum, samples, batches = 0.0, 0, 0
        for _ in range(job.local_epochs):
            order = self.rng.permutation(self.shard)
            for start in range(0, len(order), batch_size):
                batch = order[start:start + batch_size]
                inputs, labels = self.train.scaled(batch), self.train.labels[batch].astype(np.int64)
                hidden, probabilities = self._forward(layers, inputs)
                loss_sum += float(-np.log(probabilities[np.arange(len(batch)), labels] + 1e-12).sum())
                grad_logits = probabilities
                grad_logits[np.arange(len(batch)), labels] -= 1
                grad_logits /= len(batch)
                grad_hidden = (grad_logits @ w2) * (1 - hidden * hidden)
                w2 -= rate * (grad_logits.T @ hidden)
                b2 -= rate * grad_logits.sum(axis=0)
                w1 -= rate * (grad_hidden.T @ inputs)
                b1 -= rate * grad_hidden.sum(axis=0)
                samples += len(batch)
                batches += 1
        return parameters, min(len(self.shard), samples), self.flops(samples, batches), {"loss": loss_sum / samples}

    def flops(self, samples, batches):
        """This model's own count: per sample, 2mn + n for each dense product with its bias forward,
        twice that backward (weight and input gradients), 2 for tanh's derivative, 4C for the softmax;
        2 per parameter per SGD step."""
        dense = sum(2 * outputs * inputs + outputs for outputs, inputs in self.shapes)
        hidden = self.shapes[0][0]
        classes = self.shapes[1][0]
        per_sample = 3 * dense + hidden * 3 + classes * 4
        parameters = sum(outputs * inputs + outputs for outputs, inputs in self.shapes)
        return per_sample * samples + 2 * parameters * batches

    def evaluate(self, parameters, job):
        """Mean loss and accuracy of the global model on this client's local test split."""
        inputs, labels = self.test.scaled(self.test_split), self.test.labels[self.test_split].astype(np.int64)
        _, probabilities = self._forward(self._layers(parameters), inputs)
        loss = float(-np.log(probabilities[np.arange(len(labels)), labels] + 1e-12).mean())
        return loss, float(np.mean(probabilities.argmax(axis=1) == labels)), len(labels)


def main():
    parser = argparse.ArgumentParser(description="Writes this example's initial parameters as a .npy file.")
    parser.add_argument("--write-initial", required=True, help="the .npy file to write")
    parser.add_argument("--inputs", type=int, default=784)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    parameters = initial_parameters(args.inputs, args.hidden, args.classes, args.seed)
    np.save(args.write_initial, parameters)
    print(f"wrote {args.write_initial}: {parameters.size} float32 parameters")


if __name__ == "__main__":
    main()
