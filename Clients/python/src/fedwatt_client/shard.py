"""A client's shard of a FedWatt dataset, derived as FedWatt's own clients derive it."""

import numpy as np

from .dataset import load_dataset
from .partitioner import Partitioner


def shard_indices(job, client_id, train):
    """The sorted indices of ``client_id``'s shard of ``train`` (the training set, or the test set
    for its local test split)."""
    partitioner = Partitioner(job.partition, job.client_count, job.seed)
    return partitioner.shard(client_id, train.labels, train.class_count)


def load_shard(job, client_id, directory=None, split="train"):
    """``(data set, shard indices)`` for ``client_id`` in ``job``; ``directory`` is the Fashion-MNIST
    folder (default ``$FEDWATT_DATA_DIR``, else Debian's). ``split="test"`` gives the client's local
    test split, the test set partitioned as the training set is (docs/DATA.md), on which a job's
    federated evaluation runs."""
    data = load_dataset(job.dataset, split, directory)
    return data, np.array(shard_indices(job, client_id, data), dtype=np.int64)
