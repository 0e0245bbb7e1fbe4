"""The Python codecs against vectors the Swift codecs produced (fixtures/codec_vectors.json, written
by Tests/FedCodecTests/CodecFixtureTests.swift): decoding Swift's bytes, and encoding the same
inputs to the same bytes (the same deflated body when zlib is the last stage)."""

import json
import zlib

import numpy as np
import pytest

from conftest import FIXTURES
from fedwatt_client import range_coder, tensor_codec
from fedwatt_client.codec_spec import CodecError, CodecSpec
from fedwatt_client.error_feedback import ErrorFeedback
from fedwatt_client.seeded_generator import SeededGenerator

DOCUMENT = json.loads((FIXTURES / "codec_vectors.json").read_text())
CASES = DOCUMENT["cases"]


def floats(hex_text):
    return np.frombuffer(bytes.fromhex(hex_text), dtype="<f4")


def swift_tensor(case):
    return tensor_codec.EncodedTensor(case["codec"], case["valueCount"], bytes.fromhex(case["bytes"]))


def header_length(spec):
    """Bytes before the body: version, flags, quantizer, its parameters, and with a last stage the body length."""
    return 3 + {"int8": 5, "int4": 6, "int2": 6, "qsgd": 1}.get(spec.quantizer.name, 0) + (4 if spec.has_last_stage else 0)


def body_of(case, spec):
    """The body of a case's Swift bytes, through its last stage."""
    data = bytes.fromhex(case["bytes"])
    n = header_length(spec)
    if spec.zlib_level is not None:
        return zlib.decompress(data[n:])
    if spec.range_coded:
        return range_coder.decode(data[n:], int.from_bytes(data[n - 4:n], "little"))
    return data[n:]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['stream']}-{c['spec']}-{c['input']}")
def test_decodes_swift_bytes_bit_for_bit(case):
    decoded = tensor_codec.decode(swift_tensor(case), case["valueCount"])
    assert decoded.astype("<f4").tobytes().hex() == case["decodedFloat32"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['stream']}-{c['spec']}-{c['input']}")
def test_encodes_as_swift_does(case):
    spec = CodecSpec.parse(case["spec"])
    generator = SeededGenerator(DOCUMENT["generatorSeed"], case["stream"])
    tensor = tensor_codec.encode(floats(case["inputFloat32"]), spec, generator)
    swift = bytes.fromhex(case["bytes"])
    assert tensor.codec == case["codec"] and tensor.value_count == case["valueCount"]
    if spec.zlib_level is None:
        assert tensor.data == swift  # the range coder, like the stages before it, is exact
    else:
        n = header_length(spec)
        assert tensor.data[:n] == swift[:n]
        assert zlib.decompress(tensor.data[n:]) == zlib.decompress(swift[n:])


def test_fixtures_cover_every_quantizer_sparse_modes_and_last_stage():
    specs = [CodecSpec.parse(case["spec"]) for case in CASES]
    assert {spec.quantizer.name for spec in specs} == {"float32", "fp16", "int8", "int4", "int2", "qsgd", "sign"}
    assert any(spec.quantizer.stochastic for spec in specs)
    modes = set()
    for case, spec in zip(CASES, specs):
        if spec.topk_fraction is not None:
            modes.add(body_of(case, spec)[4])  # k (u32), then the index mode
    assert modes == {0, 1}
    assert {spec.zlib_strategy for spec in specs if spec.zlib_level is not None} == {"default", "rle", "huffman"}
    assert any(spec.range_coded for spec in specs)


@pytest.mark.parametrize("body", [b"", b"\0" * 1000, bytes(range(256)) * 3, b"\1\0\0\0\xff\0\0\x7f" * 50])
def test_range_coder_round_trips(body):
    assert range_coder.decode(range_coder.encode(body), len(body)) == body


@pytest.mark.parametrize("cut", [0, 1, 4, -1])
def test_range_coder_refuses_a_cut_or_lengthened_stream(cut):
    coded = range_coder.encode(bytes(range(200)))
    with pytest.raises(CodecError):
        range_coder.decode(coded[:cut] if cut else coded + b"\0", 200)


def test_packed_levels_refuse_the_never_written_field_and_set_padding():
    case = case_named("int4", "random37")
    data = bytes.fromhex(case["bytes"])
    # Header (3 + 6 bytes), one float32 scale, then 19 bytes of 4-bit levels: set the last byte's padding.
    with pytest.raises(CodecError):
        tensor_codec.decode(tensor_codec.EncodedTensor(1, 37, data[:-1] + bytes([data[-1] | 0x80])), 37)
    with pytest.raises(CodecError):
        tensor_codec.decode(tensor_codec.EncodedTensor(1, 37, data[:13] + bytes([0x88]) + data[14:]), 37)


def case_named(spec, input_name):
    return next(c for c in CASES if c["spec"] == spec and c["input"] == input_name)


def test_int8_rounds_halves_away_from_zero():
    case = case_named("int8", "int8-halves")
    levels = np.frombuffer(bytes.fromhex(case["bytes"])[12:], dtype=np.int8)
    assert levels.tolist() == [127, 3, -3, 1, -1, 127, 1, 0, 0, -127, 4, 65]


def test_sign_bits_are_least_significant_first_and_zero_is_positive():
    case = case_named("sign", "sign-bits")
    bits = bytes.fromhex(case["bytes"])[7:]
    # values 1, -1, 0, -0, 2, -3, 4, -5 | 6, 7, -8, 9, -10
    assert bits == bytes([0b01011101, 0b00001011])


def test_fp16_clamps_to_the_largest_half():
    decoded = tensor_codec.decode(swift_tensor(case_named("fp16", "fp16-edges")), 10)
    assert decoded[:5].tolist() == [65504, -65504, 65504, 65504, -65504]


@pytest.mark.parametrize("mutate, code", [
    (lambda t: tensor_codec.EncodedTensor(t.codec, t.value_count + 1, t.data), 10),
    (lambda t: tensor_codec.EncodedTensor(t.codec, t.value_count, t.data[:-1]), 14),
    (lambda t: tensor_codec.EncodedTensor(t.codec, t.value_count, t.data + b"\0"), 14),
    (lambda t: tensor_codec.EncodedTensor(t.codec, t.value_count, t.data[:2] + b"\x09" + t.data[3:]), 14),
    (lambda t: tensor_codec.EncodedTensor(t.codec, t.value_count, t.data[:12] + b"\x80" + t.data[13:]), 14),
    (lambda t: tensor_codec.EncodedTensor(5, t.value_count, t.data), 14),
])
def test_refuses_inconsistent_tensors_with_their_error_code(mutate, code):
    tensor = swift_tensor(case_named("int8", "int8-halves"))
    with pytest.raises(CodecError) as refusal:
        tensor_codec.decode(mutate(tensor), tensor.value_count)
    assert refusal.value.code == code


def test_error_feedback_keeps_what_a_biased_codec_dropped():
    spec = CodecSpec.parse("topk:0.1+int8")
    feedback = ErrorFeedback()
    rng = np.random.default_rng(3)
    sent = np.zeros(200, dtype=np.float32)
    trained = np.zeros(200, dtype=np.float32)
    for _ in range(5):
        delta = rng.normal(size=200).astype(np.float32)
        trained += delta
        sent += tensor_codec.decode(feedback.encode(delta, spec), 200)
    np.testing.assert_allclose(sent + feedback.residual, trained, atol=1e-4)
