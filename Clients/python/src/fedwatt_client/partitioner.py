"""The data split: which training samples each client holds (docs/DATA.md, "Partitions").

A bit-for-bit port of ``Sources/FedData/Partitioner.swift`` and ``PartitionSpec.swift``: every
client computes the whole split from its own copy of the data, the job's spec, client count and
seed, and keeps its part, so data never crosses the wire.
"""

from dataclasses import dataclass

from .seeded_generator import SeededGenerator, left_sum, round_half_away

#: Skewed draws are repeated until each client holds at least this many samples.
MINIMUM_SAMPLES_PER_CLIENT = 10
#: How many draws a skewed split may take before it is declared unsatisfiable.
MAXIMUM_DRAWS = 1000
#: The stream of the job seed the partitioner draws from.
PARTITION_STREAM = 0xFA27


class PartitionError(ValueError):
    """The spec is malformed, or the data cannot be split as it asks."""


@dataclass(frozen=True)
class PartitionSpec:
    """``iid``, ``dirichlet:ALPHA``, ``shards:K`` or ``quantity:ALPHA``."""

    kind: str
    argument: float = 0.0

    @classmethod
    def parse(cls, text):
        """Parses a spec string as the job JSON carries it."""
        name, _, argument = text.partition(":")
        name = name.lower()
        has_argument = ":" in text
        if name == "iid" and not has_argument:
            return cls("iid")
        if name in ("dirichlet", "quantity"):
            try:
                value = float(argument)
            except ValueError:
                value = float("nan")
            if not (value > 0 and value != float("inf")):
                raise PartitionError(f"invalid partition spec '{text}': {name} needs a positive number")
            return cls(name, value)
        if name == "shards":
            if not argument.isdigit() or int(argument) <= 0:
                raise PartitionError(f"invalid partition spec '{text}': shards needs a positive whole number")
            return cls("shards", int(argument))
        raise PartitionError(f"invalid partition spec '{text}': use iid, dirichlet:ALPHA, shards:K or quantity:ALPHA")

    @property
    def shards_per_client(self):
        """Pieces each client needs at the least (K for ``shards:K``, else 1)."""
        return int(self.argument) if self.kind == "shards" else 1


def split(items, proportions):
    """Cuts ``items`` into consecutive parts in ``proportions``: part i ends at
    round(cumulative share x len(items)), halves away from zero, and the last part takes the rest."""
    parts = []
    cumulative = 0.0
    start = 0
    count = len(items)
    last = len(proportions) - 1
    for index, share in enumerate(proportions):
        cumulative += share
        if index == last:
            end = count
        else:
            end = min(count, max(start, round_half_away(cumulative * float(count))))
        parts.append(items[start:end])
        start = end
    return parts


class Partitioner:
    """Splits sample indices over ``client_count`` clients by ``spec``, from ``seed``."""

    def __init__(self, spec, client_count, seed):
        """``spec`` is a :class:`PartitionSpec` or its string."""
        if client_count <= 0:
            raise PartitionError("client count must be positive")
        self.spec = spec if isinstance(spec, PartitionSpec) else PartitionSpec.parse(spec)
        self.client_count = client_count
        self.seed = seed

    def shards(self, labels, class_count):
        """Every client's indices, client 0 first, each sorted ascending."""
        labels = [int(label) for label in labels]
        total = len(labels)
        needed = self.spec.shards_per_client * self.client_count
        if total < needed:
            raise PartitionError(f"{total} samples cannot be split over {self.client_count} clients (needs at least {needed})")
        generator = SeededGenerator(self.seed, PARTITION_STREAM)
        kind = self.spec.kind
        if kind == "iid":
            order = list(range(total))
            generator.shuffle(order)
            result = split(order, [1.0 / self.client_count] * self.client_count)
        elif kind == "shards":
            result = self._pathological_shards(labels, self.spec.shards_per_client, generator)
        elif kind == "dirichlet":
            result = self._redraw_until_satisfied(
                total, generator, lambda g: self._label_skew(labels, class_count, self.spec.argument, g))
        else:
            def quantity(g):
                order = list(range(total))
                g.shuffle(order)
                return split(order, g.next_dirichlet(self.spec.argument, self.client_count))
            result = self._redraw_until_satisfied(total, generator, quantity)
        return [sorted(part) for part in result]

    def shard(self, client_id, labels, class_count):
        """Client ``client_id``'s indices, sorted ascending."""
        if not 0 <= client_id < self.client_count:
            raise PartitionError(f"client id {client_id} is outside 0..<{self.client_count}")
        return self.shards(labels, class_count)[client_id]

    def _redraw_until_satisfied(self, total, generator, draw):
        minimum = max(1, min(MINIMUM_SAMPLES_PER_CLIENT, total // (2 * self.client_count)))
        for _ in range(MAXIMUM_DRAWS):
            candidate = draw(generator)
            if all(len(part) >= minimum for part in candidate):
                return candidate
        raise PartitionError(
            f"partition {self.spec} over {self.client_count} clients left a client with fewer than {minimum} samples in every draw")

    def _label_skew(self, labels, class_count, alpha, generator):
        by_class = [[] for _ in range(class_count)]
        for index, label in enumerate(labels):
            by_class[label].append(index)
        fair_share = float(len(labels)) / float(self.client_count)
        shards = [[] for _ in range(self.client_count)]
        for members in by_class:
            if not members:
                continue
            members = list(members)
            generator.shuffle(members)
            proportions = generator.next_dirichlet(alpha, self.client_count)
            for client in range(self.client_count):
                if float(len(shards[client])) >= fair_share:
                    proportions[client] = 0.0
            mass = left_sum(proportions)
            if mass > 0:
                proportions = [p / mass for p in proportions]
            else:
                proportions = [1.0 / self.client_count] * self.client_count
            for client, part in enumerate(split(members, proportions)):
                shards[client].extend(part)
        return shards

    def _pathological_shards(self, labels, per_client, generator):
        order = list(range(len(labels)))
        generator.shuffle(order)
        order.sort(key=lambda index: labels[index])  # stable: random order kept within each label
        piece_count = per_client * self.client_count
        pieces = split(order, [1.0 / piece_count] * piece_count)
        deal = list(range(piece_count))
        generator.shuffle(deal)
        return [
            [index for piece in deal[client * per_client:(client + 1) * per_client] for index in pieces[piece]]
            for client in range(self.client_count)
        ]
