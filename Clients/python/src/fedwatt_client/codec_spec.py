"""Codec SPEC strings (``topk:0.01+int8+zlib``...): the pipelines of docs/PROTOCOL.md, "Compressed tensors"."""

from dataclasses import dataclass
from typing import Optional


class CodecError(ValueError):
    """A SPEC or an encoded tensor is malformed; ``code`` is the wire error code it earns
    (10 wrong shape for a value count other than the model's, 14 bad encoding otherwise)."""

    def __init__(self, message, code=14):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Quantizer:
    """How values are written: ``float32``, ``fp16``, ``int8``, ``int4`` or ``int2`` (block,
    stochastic), ``qsgd`` (levels) or ``sign``."""

    name: str = "float32"
    block: int = 0
    stochastic: bool = False
    levels: int = 0

    #: The quantizer ids of the pipeline header.
    WIRE_IDS = {"float32": 0, "fp16": 1, "int8": 2, "qsgd": 3, "sign": 4, "int4": 5, "int2": 5}
    #: The integer quantizers, by bits per level.
    INTEGER_BITS = {"int8": 8, "int4": 4, "int2": 2}

    @property
    def wire_id(self):
        """The quantizer byte of the pipeline header."""
        return self.WIRE_IDS[self.name]

    @property
    def bits(self):
        """Bits per level of an integer quantizer (None for the others)."""
        return self.INTEGER_BITS.get(self.name)


@dataclass(frozen=True)
class CodecSpec:
    """A pipeline: optional top-k first, one quantizer, optional zlib or range coder last
    (``zlib_strategy`` is ``default``, ``rle`` or ``huffman``)."""

    topk_fraction: Optional[float] = None
    quantizer: Quantizer = Quantizer()
    zlib_level: Optional[int] = None
    zlib_strategy: str = "default"
    range_coded: bool = False

    @classmethod
    def parse(cls, text):
        """Parses a SPEC as the job JSON carries it (``none`` is plain float32)."""
        trimmed = text.strip().lower()
        if trimmed in ("none", "float32"):
            return cls()
        topk, quantizer, level, strategy, range_coded = None, Quantizer(), None, "default", False
        stages = trimmed.split("+")
        seen_quantizer = False
        for position, stage in enumerate(stages):
            name, *arguments = stage.split(":")

            def fail(why):
                return CodecError(f"invalid codec '{text}': {why}")

            if name == "topk":
                if position != 0:
                    raise fail("topk must be the first stage")
                try:
                    fraction = float(arguments[0]) if len(arguments) == 1 else 0.0
                except ValueError:
                    fraction = 0.0
                if not 0 < fraction <= 1:
                    raise fail("topk needs a fraction in (0, 1]")
                topk = fraction
            elif name in ("fp16", "int8", "int4", "int2", "qsgd", "sign"):
                if seen_quantizer:
                    raise fail("only one of fp16, int8, int4, int2, qsgd, sign")
                seen_quantizer = True
                quantizer = _quantizer(name, arguments, fail)
            elif name == "zlib":
                if position != len(stages) - 1:
                    raise fail("zlib must be the last stage")
                if not arguments:
                    level = 6
                elif len(arguments) == 1 and arguments[0] in ("rle", "huffman"):
                    level, strategy = 6, arguments[0]
                elif len(arguments) == 1 and arguments[0].isdigit() and 1 <= int(arguments[0]) <= 9:
                    level = int(arguments[0])
                else:
                    raise fail("zlib takes a level from 1 to 9 or a strategy, rle or huffman")
            elif name == "range":
                if position != len(stages) - 1:
                    raise fail("range must be the last stage")
                if arguments:
                    raise fail("range takes no arguments")
                range_coded = True
            else:
                raise fail(f"unknown stage '{stage}'")
        return cls(topk, quantizer, level, strategy, range_coded)

    @property
    def is_biased(self):
        """True for top-k, sign, fp16 and deterministic int8, int4 and int2: the uplink then uses error feedback."""
        if self.topk_fraction is not None:
            return True
        q = self.quantizer
        return q.name in ("fp16", "sign") or (q.bits is not None and not q.stochastic)

    @property
    def has_last_stage(self):
        """True when zlib or the range coder codes the body."""
        return self.zlib_level is not None or self.range_coded

    @property
    def is_lossless(self):
        """True when decoding gives back exactly what was encoded."""
        return self.topk_fraction is None and self.quantizer.name == "float32"


def _quantizer(name, arguments, fail):
    if name in ("fp16", "sign"):
        if arguments:
            raise fail(f"{name} takes no arguments")
        return Quantizer(name)
    if name == "qsgd":
        if len(arguments) != 1 or not arguments[0].isdigit() or not 1 <= int(arguments[0]) <= 127:
            raise fail("qsgd needs a number of levels from 1 to 127")
        return Quantizer("qsgd", levels=int(arguments[0]))
    block, stochastic = 0, False
    for argument in arguments:
        if argument == "stochastic":
            stochastic = True
        elif argument.isdigit() and 0 < int(argument) <= 1 << 24:
            block = int(argument)
        else:
            raise fail(f"{name} takes a block size and/or 'stochastic'")
    return Quantizer(name, block=block, stochastic=stochastic)
