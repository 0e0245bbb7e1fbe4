"""A FedWatt job run again in Flower's simulation engine, for Benchmarks/run-flower-comparison.sh.

The job is the one `fedwatt load` ran (its summary.json): the same initial weights
(fedwatt_client.initial_parameters), the same shards and each client's batch order in each round
(fedwatt_client's partitioner and training stream), the same clients each round (FedWatt's seeded
selection, ClientSelection.swift), the same plain SGD of the MLP 784-128-10 (numpy_mlp.py). Flower's
own parts do the rest: `run_simulation` with one virtual SuperNode per client, ClientApps in Ray
actors of --cpus-per-client CPUs each, Flower's FedAvg aggregation, and a server-side evaluation on
the 10,000 test images before the first round and after each. The shards are computed once, before
the simulation starts (fedwatt_client's partitioner is pure Python), and each actor reads them from
a file. Writes JSON to --out: each round's clients, accuracy and loss, and the host seconds from the
end of the first evaluation to the end of each round's.
"""

import argparse
import json
import time

import numpy as np
from flwr.app import ArrayRecord, ConfigRecord, Context, Message, MetricRecord, RecordDict
from flwr.clientapp import ClientApp
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import FedAvg
from flwr.simulation import run_simulation

import fedwatt_client
import numpy_mlp

_MASK = (1 << 64) - 1
#: Per process (each Ray actor): the training set and the shards, read by its first client.
_data = {}


def selected_clients(job, per_round, round_number, attempt=1):
    """The ids FedWatt's coordinator selects for a round (``ClientSelection.select``): every id
    shuffled by ``SeededGenerator(seed + round x 1000003 + attempt, 0x5E1E)``, the first ``per_round``,
    ascending."""
    ids = list(range(job.client_count))
    if per_round >= len(ids):
        return ids
    fedwatt_client.SeededGenerator((job.seed + round_number * 1_000_003 + attempt) & _MASK, 0x5E1E).shuffle(ids)
    return sorted(ids[:per_round])


def write_shards(job, path):
    """Every client's shard, concatenated, and where each starts (NumPy's .npz)."""
    train = fedwatt_client.load_dataset(job.dataset, "train")
    shards = fedwatt_client.Partitioner(job.partition, job.client_count, job.seed).shards(train.labels, train.class_count)
    np.savez(path, indices=np.concatenate(shards), starts=np.cumsum([0] + [len(shard) for shard in shards]))


def data_of(job, shards_path):
    """The job's training set and the shards at ``shards_path``, read once in this process."""
    if shards_path not in _data:
        shards = np.load(shards_path)
        _data[shards_path] = (fedwatt_client.load_dataset(job.dataset, "train"), shards["indices"], shards["starts"])
    return _data[shards_path]


client_app = ClientApp()


@client_app.train()
def train(message: Message, context: Context) -> Message:
    """One FedWatt client's round: its shard, shuffled by its training stream for this round, for the
    job's local epochs of minibatch SGD from the global model."""
    config = message.content["config"]
    job = fedwatt_client.Job.from_json(config["job"])
    client = int(config["client"])
    train_set, indices, starts = data_of(job, config["shards"])
    order = [int(index) for index in indices[starts[client]:starts[client + 1]]]
    generator = job.training_generator(client, int(config["server-round"]))
    parameters = message.content["arrays"].to_numpy_ndarrays()[0]
    for _ in range(job.local_epochs):
        generator.shuffle(order)
        parameters = numpy_mlp.sgd_epoch(
            parameters, train_set.scaled(order), train_set.labels[order].astype(np.int64), np.arange(len(order)),
            int(job.sgd["batchSize"]), np.float32(job.sgd["learningRate"]))
    content = RecordDict({"arrays": ArrayRecord([parameters]), "metrics": MetricRecord({"num-examples": len(order)})})
    return Message(content=content, reply_to=message)


class FedWattSelection(FedAvg):
    """Flower's FedAvg, its round's sampled nodes told which FedWatt client each stands for: the
    clients FedWatt's coordinator selects (a virtual node holds no data of its own)."""

    def __init__(self, job, per_round, selections, **arguments):
        super().__init__(**arguments)
        self.job, self.per_round, self.selections = job, per_round, selections

    def configure_train(self, server_round, arrays, config, grid):
        messages = list(super().configure_train(server_round, arrays, config, grid))
        clients = selected_clients(self.job, self.per_round, server_round)
        self.selections.append(clients)
        for message, client in zip(messages, clients, strict=True):
            own = ConfigRecord(dict(config))
            own["client"] = client
            message.content = RecordDict({self.arrayrecord_key: arrays, self.configrecord_key: own})
        return messages


def server_app(job, per_round, rounds, shards_path, marks, selections):
    """FedAvg over `per_round` clients a round for `rounds` rounds from FedWatt's initial model; each
    server-side evaluation appends `(round, host time, accuracy, loss)` to `marks`, each round's
    clients go to `selections`."""
    test = fedwatt_client.load_dataset(job.dataset, "test")
    test_x, test_y = test.scaled(), test.labels.astype(np.int64)
    app = ServerApp()

    @app.main()
    def main(grid: Grid, context: Context) -> None:
        def evaluate(server_round, arrays):
            accuracy, loss = numpy_mlp.evaluate(arrays.to_numpy_ndarrays()[0], test_x, test_y)
            marks.append((server_round, time.perf_counter(), accuracy, loss))
            return MetricRecord({"accuracy": accuracy, "loss": loss})

        strategy = FedWattSelection(
            job, per_round, selections, fraction_train=per_round / job.client_count, fraction_evaluate=0.0,
            min_train_nodes=per_round, min_available_nodes=job.client_count)
        strategy.start(
            grid=grid, initial_arrays=ArrayRecord([fedwatt_client.initial_parameters(job.layer_sizes, job.seed)]),
            num_rounds=rounds, train_config=ConfigRecord({"job": json.dumps(job.raw), "shards": shards_path}),
            evaluate_fn=evaluate)

    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", required=True, help="summary.json of the FedWatt run whose job to run")
    parser.add_argument("--per-round", type=int, required=True, help="clients sampled a round")
    parser.add_argument("--rounds", type=int, required=True, help="rounds")
    parser.add_argument("--cpus-per-client", type=float, default=1, help="Ray CPUs a ClientApp actor takes")
    parser.add_argument("--out", required=True, help="where to write the results (JSON)")
    parser.add_argument("--shards", required=True, help="where to write the shards for the actors (.npz)")
    args = parser.parse_args()
    with open(args.summary) as file:
        job = fedwatt_client.Job.from_json(json.dumps(json.load(file)["job"]))
    if job.layer_sizes != [numpy_mlp.INPUTS, numpy_mlp.HIDDEN, numpy_mlp.CLASSES] or job.sgd.get("momentum") or job.sgd.get(
            "weightDecay") or job.sgd.get("proximalMu"):
        raise SystemExit(f"numpy_mlp.py trains the MLP 784-128-10 with plain SGD; the job is {job.raw}")
    write_shards(job, args.shards)
    marks, selections = [], []
    run_simulation(
        server_app=server_app(job, args.per_round, args.rounds, args.shards, marks, selections), client_app=client_app,
        num_supernodes=job.client_count,
        backend_config={"client_resources": {"num_cpus": args.cpus_per_client, "num_gpus": 0.0}})
    (_, start, _, _), rounds = marks[0], marks[1:]
    with open(args.out, "w") as file:
        json.dump({
            "selected": selections, "accuracy": [accuracy for _, _, accuracy, _ in rounds], "loss": [loss for _, _, _, loss in rounds],
            "round_seconds": [now - before for (_, before, _, _), (_, now, _, _) in zip(marks, rounds)],
            "rounds_seconds": rounds[-1][1] - start,
        }, file)


if __name__ == "__main__":
    # Run as the module `flower_fedavg`, not as `__main__`: Ray then pickles the ClientApp by reference,
    # and each actor imports this file once and keeps its shards between rounds.
    import flower_fedavg

    flower_fedavg.main()
