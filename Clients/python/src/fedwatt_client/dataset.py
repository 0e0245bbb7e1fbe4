"""A labelled dataset held as bytes, and the loading of a job's dataset (docs/DATA.md)."""

import gzip
import os
from dataclasses import dataclass

import numpy as np

#: Where Debian's ``dataset-fashion-mnist`` installs Fashion-MNIST.
DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
#: The environment variable that overrides :data:`DEBIAN_FASHION_MNIST`.
DATA_DIR_VARIABLE = "FEDWATT_DATA_DIR"


@dataclass
class Dataset:
    """Pixels as ``uint8`` rows (samples x features) and one ``uint8`` label per sample."""

    pixels: np.ndarray
    labels: np.ndarray
    class_count: int

    def __len__(self):
        return len(self.labels)

    def scaled(self, indices=None):
        """Features as float32 in [0, 1]: ``float32(byte) * (float32(1) / float32(255))``, as FedWatt scales them."""
        rows = self.pixels if indices is None else self.pixels[np.asarray(indices)]
        return rows.astype(np.float32) * (np.float32(1) / np.float32(255))


def fashion_mnist_directory(explicit=None):
    """``explicit`` if given, else ``$FEDWATT_DATA_DIR``, else Debian's folder."""
    return explicit or os.environ.get(DATA_DIR_VARIABLE) or DEBIAN_FASHION_MNIST


def _read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        data = handle.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path} is not an unsigned-byte IDX file")
    rank = data[3]
    dimensions = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    if body.size != int(np.prod(dimensions)):
        raise ValueError(f"{path} holds {body.size} bytes for dimensions {dimensions}")
    return body.reshape(dimensions)


def _locate(directory, name):
    for candidate in (os.path.join(directory, name + ".gz"), os.path.join(directory, name)):
        if os.path.exists(candidate):
            return candidate
    raise FileNotFoundError(
        f"{name}.gz not found in {directory}; install it with `apt-get install dataset-fashion-mnist`, "
        f"or point {DATA_DIR_VARIABLE} at a folder holding the four Fashion-MNIST IDX files")


def load_fashion_mnist(split, directory=None):
    """The ``train`` (60,000) or ``test`` (10,000) split from the IDX files."""
    stem = "train" if split == "train" else "t10k"
    directory = fashion_mnist_directory(directory)
    images = _read_idx(_locate(directory, f"{stem}-images-idx3-ubyte"))
    labels = _read_idx(_locate(directory, f"{stem}-labels-idx1-ubyte"))
    return Dataset(images.reshape(images.shape[0], -1), labels, 10)


def load_dataset(source, split, directory=None):
    """A job's ``dataset`` string (``fashion-mnist`` or ``synthetic:...``), one split of it."""
    if source == "fashion-mnist":
        return load_fashion_mnist(split, directory)
    from .synthetic import load_synthetic
    return load_synthetic(source, split)
