"""The ``synthetic:`` dataset (docs/DATA.md, "The synthetic dataset"): a bit-for-bit port of
``Sources/FedData/SyntheticTask.swift`` and of how ``DatasetSource`` seeds it."""

import numpy as np

from .dataset import Dataset
from .seeded_generator import SeededGenerator, round_half_away

#: Stream of the settings seed that draws the class prototypes.
PROTOTYPE_STREAM = 0x5EED
#: Stream of a split's seed that draws its labels' order and its noise.
SAMPLE_STREAM = 0xDA7A

_DEFAULTS = {"features": 64, "classes": 10, "train": 2000, "test": 500, "noise": 90.0, "seed": 1}


def parse_synthetic(text):
    """The settings of a ``synthetic[:key=value,...]`` source string, defaults filled in.
    ``shape=HxWxC`` (image-shaped samples, stored height-width-channels) sets ``features`` to
    ``H·W·C``, as it does in Swift, where it stands in place of ``features``."""
    if text != "synthetic" and not text.startswith("synthetic:"):
        raise ValueError(f"not a synthetic dataset: {text!r}")
    settings = dict(_DEFAULTS)
    shape = None
    for pair in filter(None, text[len("synthetic:"):].split(",")):
        key, sep, value = pair.partition("=")
        if key == "shape" and sep:
            sides = value.split("x")
            if len(sides) != 3 or not all(side.isdigit() and int(side) > 0 for side in sides):
                raise ValueError(f"invalid dataset {text!r}: shape is HxWxC, three positive integers")
            shape = int(sides[0]) * int(sides[1]) * int(sides[2])
            continue
        if not sep or key not in settings:
            raise ValueError(f"invalid dataset {text!r}")
        settings[key] = float(value) if key == "noise" else int(value)
    if shape is not None:
        settings["features"] = shape
    return settings


class SyntheticTask:
    """Class prototypes drawn from a seed; samples are a prototype plus Gaussian noise, clamped to bytes."""

    def __init__(self, feature_count, class_count, noise, seed):
        """Draws the prototypes: class by class, feature by feature, ``next_unit() * 255``."""
        self.feature_count = feature_count
        self.class_count = class_count
        self.noise = float(noise)
        generator = SeededGenerator(seed, PROTOTYPE_STREAM)
        self.prototypes = [[generator.next_unit() * 255 for _ in range(feature_count)] for _ in range(class_count)]

    def make_dataset(self, count, seed):
        """``count`` samples: labels ``i mod classes`` shuffled, then each sample's pixels in order."""
        generator = SeededGenerator(seed, SAMPLE_STREAM)
        labels = [i % self.class_count for i in range(count)]
        generator.shuffle(labels)
        pixels = bytearray()
        for label in labels:
            for value in self.prototypes[label]:
                noisy = value + self.noise * generator.next_normal()
                pixels.append(min(255, max(0, round_half_away(noisy))))
        return Dataset(
            np.frombuffer(bytes(pixels), dtype=np.uint8).reshape(count, self.feature_count),
            np.array(labels, dtype=np.uint8), self.class_count)


def load_synthetic(text, split):
    """The ``train`` or ``test`` split of a synthetic source (train from seed + 1, test from seed + 2)."""
    s = parse_synthetic(text)
    task = SyntheticTask(s["features"], s["classes"], s["noise"], s["seed"])
    if split == "train":
        return task.make_dataset(s["train"], (s["seed"] + 1) & ((1 << 64) - 1))
    return task.make_dataset(s["test"], (s["seed"] + 2) & ((1 << 64) - 1))
