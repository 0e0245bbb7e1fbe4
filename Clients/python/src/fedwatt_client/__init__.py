"""A FedWatt federated-learning client in Python: the client side of FedWatt's wire protocol
(docs/PROTOCOL.md) and its data split (docs/DATA.md), for training code in NumPy or PyTorch.

Subclass :class:`Client`, then call :func:`run` (or use the ``fedwatt-py-client`` command)::

    class MyClient(fedwatt_client.Client):
        def setup(self, job, client_id):
            self.train, self.shard = fedwatt_client.load_shard(job, client_id)
        def fit(self, parameters, job):
            ...  # train for job.local_epochs at job.learning_rate
            return parameters, len(self.shard), flops, {"loss": mean_loss}

    fedwatt_client.run("127.0.0.1:7000", 3, MyClient())
"""

from .client import Client
from .codec_spec import CodecError, CodecSpec
from .dataset import Dataset, load_dataset, load_fashion_mnist
from .error_codes import ErrorCode, WireError
from .initial_model import initial_parameters
from .job import Job
from .model_architecture import ModelArchitecture
from .partitioner import PartitionError, Partitioner, PartitionSpec
from .runner import CoordinatorUnreachable, JobUnusable, RunResult, run
from .seeded_generator import SeededGenerator
from .shard import load_shard, shard_indices

__all__ = [
    "Client", "CodecError", "CodecSpec", "CoordinatorUnreachable", "Dataset", "ErrorCode", "Job", "JobUnusable",
    "ModelArchitecture", "PartitionError", "PartitionSpec", "Partitioner", "RunResult", "SeededGenerator", "WireError", "initial_parameters",
    "load_dataset", "load_fashion_mnist", "load_shard", "run", "shard_indices",
]
