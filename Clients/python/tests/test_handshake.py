"""The client side of a session against a scripted coordinator on 127.0.0.1: Challenge and the
HMAC proof, Welcome and readiness, whole models and differences, error 19 and the reconnection it
requires, Bye."""

import hashlib
import hmac
import json
import socket
import struct
import threading

import numpy as np

import fedwatt_client
from fedwatt_client import tensor_codec
from fedwatt_client.codec_spec import CodecSpec
from fedwatt_client.frame import HEADER_SIZE, TRAILER_SIZE, encode_frame, parse_header
from fedwatt_client.messages import (Ack, Bye, Challenge, Error, Register, RoundStart, Update, Welcome, decode_payload,
                                     encode_payload)

SECRET = b"a-secret-of-24-bytes-xyz"
JOB = {
    "clientCount": 2, "dataset": "synthetic:features=4,classes=3,train=40,test=10", "localEpochs": 1,
    "model": {"layerSizes": [4, 3]}, "partition": "iid", "seed": 5,
    "sgd": {"batchSize": 8, "learningRate": 0.1, "momentum": 0, "proximalMu": 0, "weightDecay": 0},
    "uplinkCodec": "int8+zlib", "downlinkCodec": "none", "futureKey": "ignored",
}
PARAMETERS = 15


class AddOne(fedwatt_client.Client):
    """Adds 1 to every parameter and reports its shard size."""

    def setup(self, job, client_id):
        self.setups = getattr(self, "setups", 0) + 1
        self.shard = fedwatt_client.shard_indices(job, client_id, fedwatt_client.load_dataset(job.dataset, "train"))
        self.seen = []

    def fit(self, parameters, job):
        self.seen.append((job.round, parameters.copy(), job.learning_rate))
        return parameters + 1, len(self.shard), 1234, {"loss": 0.5}

    def evaluate(self, parameters, job):
        return float(parameters.sum()), 0.25, 10


def send(conn, message):
    conn.sendall(encode_frame(message.TYPE, encode_payload(message)))


def receive(conn):
    def exactly(count):
        data = b""
        while len(data) < count:
            chunk = conn.recv(count - len(data))
            if not chunk:
                return None
            data += chunk
        return data
    header = exactly(HEADER_SIZE)
    if header is None:
        return None
    message_type, length = parse_header(header)
    body = exactly(length + TRAILER_SIZE)
    return decode_payload(message_type, body[:length])


def test_session_with_proof_differences_error_19_and_bye():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    seen = {}
    whole = np.arange(PARAMETERS, dtype=np.float32)

    def coordinator():
        # Connection 1: handshake, a whole model, then a difference from a version the client lacks.
        conn, _ = listener.accept()
        nonce = bytes(range(32))
        send(conn, Challenge(nonce))
        register = receive(conn)
        seen["register"] = register
        seen["expected_proof"] = hmac.new(SECRET, nonce + struct.pack("<I", 1), hashlib.sha256).digest()
        send(conn, Welcome(json.dumps(JOB)))
        seen["ready"] = receive(conn)
        send(conn, RoundStart(1, 1, 60000, 0.25, 1, 0, 0, [tensor_codec.encode(whole)]))
        seen["update1"] = receive(conn)
        send(conn, Ack(1))
        difference = tensor_codec.encode(np.full(PARAMETERS, 0.5, dtype=np.float32))
        send(conn, RoundStart(2, 1, 60000, 0.25, 3, 2, 0, [difference]))
        seen["refusal"] = receive(conn)
        seen["after_refusal"] = receive(conn)  # None: the client closed after its Error
        conn.close()
        # Connection 2: the client is back; from the version it holds, a chain of two differences, then Bye.
        conn, _ = listener.accept()
        send(conn, Challenge(bytes(32)))
        seen["register2"] = receive(conn)
        send(conn, Welcome(json.dumps(JOB)))
        receive(conn)
        send(conn, RoundStart(2, 1, 60000, 0.25, 3, 1, 0, [difference, difference]))
        seen["update2"] = receive(conn)
        send(conn, Ack(2))
        send(conn, Bye("job complete"))
        conn.close()

    thread = threading.Thread(target=coordinator, daemon=True)
    thread.start()
    client = AddOne()
    result = fedwatt_client.run(f"127.0.0.1:{port}", 1, client, secret=SECRET, give_up_after=10, initial_backoff=0.01)
    thread.join(10)
    listener.close()

    assert isinstance(seen["register"], Register)
    assert seen["register"].client_id == 1 and seen["register"].device == "rpi4" and seen["register"].link == "wifi"
    assert seen["register"].proof == seen["expected_proof"]
    assert seen["ready"] == Ack(0)
    update = seen["update1"]
    assert isinstance(update, Update) and update.round == 1 and update.sample_count == 20 and update.flops == 1234
    assert update.train_loss == 0.5
    np.testing.assert_allclose(tensor_codec.decode(update.delta, PARAMETERS), 1.0, atol=1 / 127)
    assert isinstance(seen["refusal"], Error) and seen["refusal"].code == 19
    assert seen["after_refusal"] is None
    # The job did not change, so the client kept its state: no second setup, and both differences
    # applied to version 1 in order.
    assert client.setups == 1
    np.testing.assert_array_equal(client.seen[1][1], whole + 0.5 + 0.5)
    assert client.seen[0][2] == 0.25
    assert isinstance(seen["update2"], Update) and seen["update2"].round == 2
    assert result.bye_reason == "job complete"
    assert result.connections == 2 and result.rounds_answered == 2 and result.rounds_accepted == 2
    # evaluate scored each global model the client trained from.
    assert result.evaluations == [(1, float(whole.sum()), 0.25, 10), (2, float((whole + 1.0).sum()), 0.25, 10)]


def test_gives_up_when_nothing_listens():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    try:
        fedwatt_client.run(f"127.0.0.1:{port}", 0, AddOne(), give_up_after=0.3, initial_backoff=0.02)
    except fedwatt_client.CoordinatorUnreachable as error:
        assert "giving up" in str(error)
    else:
        raise AssertionError("run returned without a coordinator")


def test_secret_file_is_stripped_and_at_least_16_bytes(tmp_path):
    from fedwatt_client.authentication import read_secret_file
    path = tmp_path / "secret"
    path.write_text("  0123456789abcdef \n")
    assert read_secret_file(str(path)) == b"0123456789abcdef"
    path.write_text("short\n")
    try:
        read_secret_file(str(path))
    except ValueError as error:
        assert "16" in str(error)
    else:
        raise AssertionError("a 5-byte secret was accepted")


def test_unknown_codec_id_in_a_tensor_is_error_14():
    payload = struct.pack("<IIIfIIIH", 1, 1, 1000, 0.1, 1, 0, 0, 1) + struct.pack("<BII", 7, 1, 4) + b"\0\0\0\0"
    try:
        decode_payload(RoundStart.TYPE, payload)
    except fedwatt_client.WireError as error:
        assert error.code == 14
    else:
        raise AssertionError("codec id 7 was accepted")


def test_a_round_start_chain_of_no_tensors_or_too_many_is_error_6():
    for count in (0, 1025):
        payload = struct.pack("<IIIfIIIH", 1, 1, 1000, 0.1, 1, 0, 0, count) + struct.pack("<BII", 0, 1, 4) + b"\0\0\0\0"
        try:
            decode_payload(RoundStart.TYPE, payload)
        except fedwatt_client.WireError as error:
            assert error.code == 6
        else:
            raise AssertionError(f"a chain of {count} tensors was accepted")


def test_job_json_keeps_unknown_keys_and_parses_codecs():
    job = fedwatt_client.Job.from_json(json.dumps(JOB))
    assert job.uplink_codec == CodecSpec.parse("int8+zlib") and job.layer_sizes == [4, 3]
    assert job.raw["futureKey"] == "ignored"


def test_a_job_it_cannot_parse_gets_error_6_and_stops():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    seen = {}

    def coordinator():
        conn, _ = listener.accept()
        send(conn, Challenge(bytes(32)))
        receive(conn)
        send(conn, Welcome('{"clientCount": "not a job"'))
        seen["refusal"] = receive(conn)
        conn.close()

    thread = threading.Thread(target=coordinator, daemon=True)
    thread.start()
    try:
        fedwatt_client.run(f"127.0.0.1:{listener.getsockname()[1]}", 0, AddOne(), give_up_after=5)
    except fedwatt_client.JobUnusable:
        pass
    else:
        raise AssertionError("run accepted a malformed job")
    thread.join(5)
    listener.close()
    assert isinstance(seen["refusal"], Error) and seen["refusal"].code == 6
