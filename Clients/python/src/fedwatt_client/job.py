"""The job a coordinator sends in Welcome (docs/PROTOCOL.md, "Welcome"), and its per-round view."""

import dataclasses
import json
from typing import Any, Dict, Optional

from .codec_spec import CodecSpec
from .model_architecture import ModelArchitecture
from .seeded_generator import SeededGenerator

_MASK = (1 << 64) - 1


@dataclasses.dataclass(frozen=True)
class Job:
    """What every participant agrees on, plus, inside :meth:`Client.fit`, the round being trained
    (``round``, ``learning_rate``, ``local_epochs`` and ``step_limit`` from RoundStart)."""

    client_count: int
    dataset: str
    local_epochs: int
    partition: str
    seed: int
    model: Dict[str, Any]
    sgd: Dict[str, float]
    uplink_codec: CodecSpec
    downlink_codec: CodecSpec
    raw: Dict[str, Any]
    architecture: Optional[ModelArchitecture] = None
    round: int = 0
    learning_rate: Optional[float] = None
    step_limit: Optional[int] = None

    @classmethod
    def from_json(cls, text):
        """Parses Welcome's JSON; unknown keys are kept in ``raw`` and otherwise ignored. A model of
        FedWatt's (not external) is checked layer by layer: ValueError names what does not fit."""
        raw = json.loads(text)
        model = raw.get("model", {})
        return cls(
            client_count=int(raw["clientCount"]), dataset=raw["dataset"], local_epochs=int(raw["localEpochs"]),
            partition=raw["partition"], seed=int(raw["seed"]), model=model, sgd=raw.get("sgd", {}),
            uplink_codec=CodecSpec.parse(raw.get("uplinkCodec", "none")),
            downlink_codec=CodecSpec.parse(raw.get("downlinkCodec", "none")), raw=raw,
            architecture=_architecture(model),
            learning_rate=raw.get("sgd", {}).get("learningRate"))

    @property
    def layer_sizes(self):
        """``model.layerSizes`` of a FedWatt dense model (input first), or None for another model."""
        return self.model.get("layerSizes")

    @property
    def external_model(self):
        """``model.external`` of a job training a model FedWatt does not implement (``{"name": ...,
        "parameterCount": N}``), or None for FedWatt's own models."""
        return self.model.get("external")

    @property
    def parameter_count(self):
        """The length of the flat parameter vector: the architecture's, or the external model's."""
        return self.architecture.parameter_count if self.architecture else int(self.external_model["parameterCount"])

    @property
    def federated_evaluation(self):
        """Whether the clients evaluate the global model (an external model): each selected client
        sends the Evaluation of the model it received before its Update."""
        return self.external_model is not None

    def for_round(self, round_number, learning_rate, local_epochs, step_limit=None):
        """This job as :meth:`Client.fit` sees it in one round (``step_limit`` None: no limit)."""
        return dataclasses.replace(self, round=round_number, learning_rate=learning_rate, local_epochs=local_epochs,
                                   step_limit=step_limit)

    def local_steps(self, shard_size):
        """The minibatch steps :meth:`Client.fit` takes this round over ``shard_size`` samples: every
        step of ``local_epochs`` passes, or ``step_limit`` if that is fewer."""
        batch_size = int(self.sgd["batchSize"])
        steps = -(-shard_size // batch_size) * self.local_epochs
        return steps if self.step_limit is None else min(steps, self.step_limit)

    def same_job(self, other):
        """Whether ``other`` is this job (a reconnection to the same job keeps the client's state)."""
        return other is not None and self.raw == other.raw

    def _round_seed(self, round_number):
        return (self.seed + ((round_number * 0x9E3779B9) & _MASK)) & _MASK

    def training_generator(self, client_id, round_number=None):
        """The stream FedWatt's clients shuffle their shard with in a round (stream ``client id + 1``)."""
        r = self.round if round_number is None else round_number
        return SeededGenerator(self._round_seed(r), (client_id + 1) & _MASK)

    def encoding_generator(self, client_id, round_number=None):
        """The stream of a client's stochastic rounding in a round (stream ``0xC0DEC + client id``)."""
        r = self.round if round_number is None else round_number
        return SeededGenerator(self._round_seed(r), (0xC0DEC + client_id) & _MASK)


def _architecture(model):
    """The architecture of one of FedWatt's models, or None for an external model (whose parameter
    count must be a positive integer)."""
    if "external" not in model:
        return ModelArchitecture.from_json(model)
    count = model["external"]["parameterCount"]
    if not isinstance(count, int) or count <= 0:
        raise ValueError(f"an external model's parameterCount must be a positive integer, got {count!r}")
    return None
