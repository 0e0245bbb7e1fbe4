"""A client's shard of a FedWatt dataset, derived as FedWatt's own clients derive it."""

import numpy as np

from .dataset import load_dataset
from .partitioner import Partitioner


def shard_indices(job, client_id, train):
    """The sorted indices of ``client_id``'s shard of the training set ``train``."""
    partitioner = Partitioner(job.partition, job.client_count, job.seed)
    return partitioner.shard(client_id, train.labels, train.class_count)


def load_shard(job, client_id, directory=None):
    """``(training set, shard indices)`` for ``client_id`` in ``job``; ``directory`` is the Fashion-MNIST
    folder (default ``$FEDWATT_DATA_DIR``, else Debian's)."""
    train = load_dataset(job.dataset, "train", directory)
    return train, np.array(shard_indices(job, client_id, train), dtype=np.int64)
