"""A FedWatt client that trains softmax regression in NumPy on its Fashion-MNIST shard.

It trains exactly as FedWatt's Swift client does (LocalTrainer): the same shard (docs/DATA.md), the
same batch order (the job's training stream for this client and round), plain minibatch SGD with
optional weight decay, the same loss bookkeeping and FLOP count, so beside Swift clients its
per-round training loss matches a Swift client's on the same shard.

    fedwatt-coordinator --model softmax --min-clients 3 --port 7000 --out out/job
    fedwatt-py-client --coordinator 127.0.0.1:7000 --id 0 --client Clients/python/examples/numpy_softmax.py:SoftmaxClient
    fedwatt-client --coordinator 127.0.0.1:7000 --id 1   # and --id 2
"""

import numpy as np

import fedwatt_client
from fedwatt_client.dataset import load_dataset
from fedwatt_client.flops import training_flops


class SoftmaxClient(fedwatt_client.Client):
    """Softmax regression (FedWatt's ``--model softmax``: one layer, ``inputs x classes`` weights then biases)."""

    def setup(self, job, client_id):
        """Loads the training shard and the test split; refuses settings this example does not train."""
        if not job.layer_sizes or len(job.layer_sizes) != 2:
            raise ValueError(f"this example trains softmax regression; the job's model is {job.model}")
        if job.sgd.get("momentum", 0) or job.sgd.get("proximalMu", 0):
            raise ValueError("this example trains plain SGD (with weight decay); the job asks for momentum or FedProx")
        self.client_id = client_id
        self.train, self.shard = fedwatt_client.load_shard(job, client_id)
        self.test = load_dataset(job.dataset, "test")

    def _split(self, parameters, job):
        inputs, classes = job.layer_sizes
        return parameters[:inputs * classes].reshape(inputs, classes), parameters[inputs * classes:]

    def fit(self, parameters, job):
        """``job.local_epochs`` epochs of minibatch SGD over the shard, in the job's batch order, at
        most ``job.step_limit`` steps."""
        weights, biases = (a.copy() for a in self._split(parameters, job))
        rate = np.float32(job.learning_rate)
        keep = np.float32(1) - rate * np.float32(job.sgd.get("weightDecay", 0))
        batch_size = int(job.sgd["batchSize"])
        generator = job.training_generator(self.client_id)
        order = [int(i) for i in self.shard]
        loss_sum, batches, samples = 0.0, 0, 0
        steps = job.local_steps(len(order))
        for _ in range(job.local_epochs):
            generator.shuffle(order)
            for start in range(0, len(order), batch_size):
                if batches == steps:
                    break
                batch = order[start:start + batch_size]
                inputs = self.train.scaled(batch)
                labels = self.train.labels[batch].astype(np.int64)
                probabilities, losses = _softmax_cross_entropy(inputs @ weights + biases, labels)
                loss_sum += float(np.sum(losses.astype(np.float64)))
                scale = np.float32(1) / np.float32(len(batch))
                delta = probabilities * scale
                delta[np.arange(len(batch)), labels] -= scale
                weights = keep * weights + (-rate) * (inputs.T @ delta)
                biases = keep * biases + (-rate) * delta.sum(axis=0, dtype=np.float32)
                batches += 1
                samples += len(batch)
        flops = training_flops(job.layer_sizes, samples, batches, job.sgd)
        return np.concatenate([weights.ravel(), biases]), min(len(order), samples), flops, {"loss": loss_sum / samples}

    def evaluate(self, parameters, job):
        """Mean loss and accuracy of the global model on the 10,000 test images."""
        weights, biases = self._split(parameters, job)
        labels = self.test.labels.astype(np.int64)
        logits = self.test.scaled() @ weights + biases
        _, losses = _softmax_cross_entropy(logits, labels)
        accuracy = float(np.mean(np.argmax(logits, axis=1) == labels))
        return float(np.mean(losses.astype(np.float64))), accuracy, len(labels)


def _softmax_cross_entropy(logits, labels):
    """Row-wise probabilities and cross-entropy, from the log-sum-exp shifted by each row's peak (float32)."""
    peak = logits.max(axis=1, keepdims=True)
    exponentials = np.exp(logits - peak)
    sums = exponentials.sum(axis=1, keepdims=True, dtype=np.float32)
    label_logits = logits[np.arange(len(labels)), labels] - peak[:, 0]
    return exponentials * (np.float32(1) / sums), np.log(sums[:, 0]) - label_logits
