"""docs/DATA.md's test vectors, recomputed by the Python port: generator, synthetic data, partitions."""

import struct
import zlib

import pytest

from conftest import REPO_ROOT
from fedwatt_client.dataset import load_dataset
from fedwatt_client.partitioner import Partitioner
from fedwatt_client.seeded_generator import SeededGenerator


def vector_lines():
    lines, inside = [], False
    for line in (REPO_ROOT / "docs" / "DATA.md").read_text().splitlines():
        if line.startswith("```"):
            inside = line == "```vectors"
            continue
        if inside and line and not line.startswith("#"):
            lines.append(line)
    return lines


def bits(value):
    return format(struct.unpack("<Q", struct.pack("<d", value))[0], "x")


_datasets = {}


def recompute(line):
    """The line with the same leading fields, with the values the Python port computes."""
    f = line.split()
    kind = f[0]
    if kind == "next":
        g = SeededGenerator(int(f[1])) if f[2] == "-" else SeededGenerator(int(f[1]), int(f[2], 16))
        return " ".join(f[:3] + [format(g.next(), "x") for _ in range(4)])
    if kind == "below":
        g = SeededGenerator(int(f[1]))
        return " ".join(f[:3] + [str(g.random_below(int(f[2]))) for _ in range(6)])
    if kind == "shuffle":
        g = SeededGenerator(int(f[1]))
        items = list(range(int(f[2])))
        g.shuffle(items)
        return " ".join(f[:3] + [str(i) for i in items])
    if kind == "normal":
        g = SeededGenerator(int(f[1]))
        return " ".join(f[:2] + [bits(g.next_normal()) for _ in range(3)])
    if kind == "gamma":
        g = SeededGenerator(int(f[1]))
        return " ".join(f[:3] + [bits(g.next_gamma(float(f[2]))) for _ in range(3)])
    if kind == "dirichlet":
        g = SeededGenerator(int(f[1]))
        return " ".join(f[:4] + [bits(p) for p in g.next_dirichlet(float(f[2]), int(f[3]))])
    if kind == "synthetic":
        data = load_dataset(f[1], f[2])
        return " ".join(f[:3] + [str(len(data)), format(zlib.crc32(data.pixels.tobytes()), "08x"),
                                 format(zlib.crc32(data.labels.tobytes()), "08x")])
    if kind == "partition":
        if f[1] not in _datasets:
            _datasets[f[1]] = load_dataset(f[1], "train")
        data = _datasets[f[1]]
        shards = Partitioner(f[2], int(f[3]), int(f[4])).shards(data.labels, data.class_count)
        pairs = [f"{len(s)}/{zlib.crc32(struct.pack(f'<{len(s)}I', *s)):08x}" for s in shards]
        return " ".join(f[:5] + pairs)
    raise AssertionError(f"unknown vector kind: {line}")


def test_spec_holds_vectors_of_every_kind():
    assert {line.split()[0] for line in vector_lines()} == {
        "next", "below", "shuffle", "normal", "gamma", "dirichlet", "partition", "synthetic"}


@pytest.mark.parametrize("line", vector_lines(), ids=lambda line: " ".join(line.split()[:5]))
def test_vector_line_is_what_python_computes(line):
    assert recompute(line) == line


def test_a_synthetic_shape_gives_the_samples_of_as_many_features_and_a_bad_shape_is_refused():
    shaped = load_dataset("synthetic:shape=2x3x2,train=7,test=1,seed=4", "train")
    flat = load_dataset("synthetic:features=12,train=7,test=1,seed=4", "train")
    assert shaped.pixels.shape == (7, 12) and (shaped.pixels == flat.pixels).all() and (shaped.labels == flat.labels).all()
    with pytest.raises(ValueError, match="shape is HxWxC"):
        load_dataset("synthetic:shape=2x3", "train")
