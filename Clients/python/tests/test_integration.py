"""Real jobs on 127.0.0.1: the Swift ``fedwatt-coordinator`` with the Python client beside Swift
``fedwatt-client`` processes, with compressed deltas both ways and secrets, and over mutual TLS.
The Swift executables are built (debug) if needed; set ``FEDWATT_BIN_DIR`` to a folder holding them
to skip the build."""

import importlib.util
import json
import os
import pathlib
import subprocess
import time

import numpy as np
import pytest

import fedwatt_client
from conftest import REPO_ROOT
from fedwatt_client.testing import LocalJob, swift_binaries

DATASET = "synthetic:features=64,classes=10,train=3000,test=500,noise=90,seed=3"
JOB_SECONDS = 120
EXAMPLES = REPO_ROOT / "Clients" / "python" / "examples"
EXAMPLE = f"{EXAMPLES / 'numpy_softmax.py'}:SoftmaxClient"


@pytest.fixture(scope="module")
def binaries():
    if os.environ.get("FEDWATT_BIN_DIR"):
        return pathlib.Path(os.environ["FEDWATT_BIN_DIR"])
    return swift_binaries(REPO_ROOT)


def test_python_client_beside_swift_clients_with_int8_zlib_both_ways_differences_and_secrets(binaries, tmp_path):
    secrets = tmp_path / "secrets"
    secrets.write_text("# client 0 is the Python client\n0 python-client-secret-0123\n* fleet-secret-for-swift-clients\n")
    (tmp_path / "python.secret").write_text("  python-client-secret-0123\n")
    (tmp_path / "fleet.secret").write_text("fleet-secret-for-swift-clients\n")
    rounds = 3
    with LocalJob(binaries, tmp_path / "out", [
            "--min-clients", "3", "--rounds", str(rounds), "--model", "softmax", "--dataset", DATASET, "--seed", "3",
            "--codec", "int8+zlib", "--downlink-codec", "int8+zlib", "--downlink-delta", "--secrets", str(secrets),
            "--round-timeout", "60"]) as job:
        python = job.start_python_client(0, EXAMPLE, "--secret-file", str(tmp_path / "python.secret"))
        for client_id in (1, 2):
            job.start_swift_client(client_id, "--secret-file", str(tmp_path / "fleet.secret"))
        assert job.wait(JOB_SECONDS) == 0, (job.out / "coordinator.log").read_text()
        assert python.wait(30) == 0, (job.out / "python-client-0.log").read_text()
        ledger = job.ledger()
    completed = [record for record in ledger if record["status"] == "completed"]
    assert [record["round"] for record in completed] == list(range(1, rounds + 1))
    for record in completed:
        assert sorted(record["completed"]) == [0, 1, 2], record["dropped"]
        python_entry = next(client for client in record["clients"] if client["client"] == 0)
        assert python_entry["samples"] == 1000
        assert python_entry["flops"] > 0
        # int8 values, deflated: well under the 4 bytes a value of float32, both ways.
        assert python_entry["uplinkStages"]["encoded"] < python_entry["uplinkStages"]["raw"] / 3
        assert python_entry["downlinkStages"]["encoded"] < python_entry["downlinkStages"]["raw"] / 3
        # After the first round the Python client is sent differences from the model it holds.
        assert python_entry["downlinkDifference"] == (record["round"] > 1)
    assert completed[-1]["testAccuracy"] > completed[0]["testAccuracy"] - 0.05


def test_numpy_example_reproduces_a_swift_clients_training_loss(binaries, tmp_path):
    spec = importlib.util.spec_from_file_location("compare_with_swift", EXAMPLES / "compare_with_swift.py")
    compare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compare)
    swift, python = compare.compare_training_losses(
        binaries, tmp_path, ["--rounds", "3", "--model", "softmax", "--dataset", DATASET, "--seed", "3", "--round-timeout", "60"],
        EXAMPLE, clients=3, timeout=JOB_SECONDS)
    assert sorted(swift) == sorted(python) == [1, 2, 3]
    for round_number in swift:
        assert abs(swift[round_number] - python[round_number]) < 1e-4, (round_number, swift, python)


@pytest.mark.parametrize("model_arguments, dataset", [
    (["--model", "mlp", "--hidden", "12"], DATASET),
    (["--model", "lenet5"], "synthetic:shape=28x28x1,classes=10,train=240,test=100,noise=90,seed=3"),
])
def test_initial_parameters_and_flops_are_the_swift_coordinators_and_clients(binaries, tmp_path, monkeypatch, model_arguments,
                                                                             dataset):
    first = tmp_path / "first.npy"
    monkeypatch.setenv("FEDWATT_FIRST_MODEL", str(first))
    with LocalJob(binaries, tmp_path / "out", [
            "--min-clients", "2", "--rounds", "1", *model_arguments, "--dataset", dataset, "--seed", "11",
            "--round-timeout", "60"]) as job:
        python = job.start_python_client(0, f"{pathlib.Path(__file__).parent / 'first_model_client.py'}:FirstModelClient")
        job.start_swift_client(1)
        assert job.wait(JOB_SECONDS) == 0, (job.out / "coordinator.log").read_text()
        assert python.wait(30) == 0, (job.out / "python-client-0.log").read_text()
        [record] = job.ledger()
    received = np.load(first)
    # The model as Welcome described it, which the client saved beside the parameters.
    welcome_model = json.loads(pathlib.Path(f"{first}.model.json").read_text())
    expected = fedwatt_client.initial_parameters(welcome_model, 11)
    # Round 1's RoundStart carries the initial model whole and uncompressed: the same float32 bits.
    assert received.dtype == np.float32 and np.array_equal(received.view(np.uint32), expected.view(np.uint32))
    # Both clients trained on 120 samples (IID halves); the coordinator accepted the Python count
    # (within 1% of its own, else error 22), and the Swift client's equals it.
    assert sorted(record["completed"]) == [0, 1]
    python_flops, swift_flops = (next(c["flops"] for c in record["clients"] if c["client"] == i) for i in (0, 1))
    assert python_flops == swift_flops > 0


def make_certificate(folder, name):
    """A self-signed certificate for localhost and 127.0.0.1, from Debian's openssl."""
    certificate, key = folder / f"{name}.pem", folder / f"{name}-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(certificate), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True, timeout=30)
    return str(certificate), str(key)


def test_python_client_over_mutual_tls_and_refused_without_a_fleet_certificate(binaries, tmp_path):
    coordinator_certificate, coordinator_key = make_certificate(tmp_path, "coordinator")
    fleet_certificate, fleet_key = make_certificate(tmp_path, "fleet")
    with LocalJob(binaries, tmp_path / "out", [
            "--min-clients", "2", "--rounds", "2", "--model", "softmax", "--dataset", DATASET, "--round-timeout", "60",
            "--tls-cert", coordinator_certificate, "--tls-key", coordinator_key, "--tls-client-ca", fleet_certificate]) as job:
        with pytest.raises(fedwatt_client.CoordinatorUnreachable):
            fedwatt_client.run(job.address, 0, fedwatt_client.Client(), tls_ca=coordinator_certificate, give_up_after=1,
                               initial_backoff=0.05)
        tls = ["--tls-ca", coordinator_certificate, "--tls-cert", fleet_certificate, "--tls-key", fleet_key]
        python = job.start_python_client(0, EXAMPLE, *tls)
        job.start_swift_client(1, *tls)
        assert job.wait(JOB_SECONDS) == 0, (job.out / "coordinator.log").read_text()
        assert python.wait(30) == 0, (job.out / "python-client-0.log").read_text()
        ledger = job.ledger()
    assert [sorted(record["completed"]) for record in ledger] == [[0, 1], [0, 1]]


def test_python_client_reconnects_to_a_coordinator_resumed_after_a_crash(binaries, tmp_path):
    rounds = 40
    with LocalJob(binaries, tmp_path / "out", ["--min-clients", "2", "--rounds", str(rounds), "--model", "softmax",
                                               "--dataset", DATASET, "--round-timeout", "60"]) as job:
        python = job.start_python_client(0, EXAMPLE, "--give-up-after", "30")
        job.start_swift_client(1, "--give-up-after", "30")
        deadline = time.monotonic() + JOB_SECONDS
        while len(job.ledger()) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        job.restart_coordinator_after_crash()
        assert len(job.ledger()) < rounds, "the crash must land mid-run"
        assert job.wait(JOB_SECONDS) == 0, (job.out / "coordinator.log").read_text()
        assert python.wait(30) == 0, (job.out / "python-client-0.log").read_text()
        ledger = job.ledger()
    assert sorted(record["round"] for record in ledger if record["status"] == "completed") == list(range(1, rounds + 1))
    assert 0 in ledger[-1]["completed"]


def test_python_client_trains_the_steps_its_device_time_budget_allows(binaries, tmp_path):
    # Raspberry Pis on WiFi; softmax 64-10 on 1500 samples each, batches of 32, 4 local epochs: 188
    # steps of about 8.5 microseconds of device time, 1.6 ms in all. A 2.3 ms deadline leaves the
    # transfers (about 1.5 ms) and roughly half of that work.
    fleet = tmp_path / "pis.json"
    fleet.write_text('{"name": "pis", "classes": [{"name": "pi", "device": "rpi4", "link": "wifi", "share": 1}]}')
    with LocalJob(binaries, tmp_path / "out", [
            "--min-clients", "2", "--rounds", "2", "--model", "softmax", "--dataset", DATASET, "--seed", "3",
            "--local-epochs", "4", "--fleet", str(fleet), "--deadline", "0.0023", "--straggler-policy", "partial"]) as job:
        python = job.start_python_client(0, EXAMPLE)
        job.start_swift_client(1)
        assert job.wait(JOB_SECONDS) == 0, (job.out / "coordinator.log").read_text()
        assert python.wait(30) == 0, (job.out / "python-client-0.log").read_text()
        ledger = job.ledger()
    assert [record["status"] for record in ledger] == ["completed", "completed"]
    for record in ledger:
        assert sorted(record["completed"]) == [0, 1], record["dropped"]
        for client in record["clients"]:
            # Cut short, and the samples those steps reached: whole passes count the shard once.
            assert 1 <= client["stepLimit"] < 188, client
            assert client["samples"] == min(1500, client["stepLimit"] * 32), client
            assert client["timeline"]["upload"]["end"] <= record["device"]["interval"]["start"] + 0.0023


EXTERNAL = f"{EXAMPLES / 'numpy_external.py'}:TanhMLPClient"


def test_an_external_model_with_federated_evaluation_runs_end_to_end_and_its_report_renders(binaries, tmp_path):
    spec = importlib.util.spec_from_file_location("numpy_external", EXAMPLES / "numpy_external.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    initial = example.initial_parameters(64, 16, 10, seed=5)
    path = tmp_path / "tanh-mlp.npy"
    np.save(path, initial)
    rounds = 3
    with LocalJob(binaries, tmp_path / "out", [
            "--min-clients", "3", "--rounds", str(rounds), "--model", "external:tanh-mlp", "--initial-parameters", str(path),
            "--dataset", DATASET, "--seed", "3", "--codec", "int8+zlib", "--round-timeout", "60"]) as job:
        python = [job.start_python_client(client_id, EXTERNAL) for client_id in range(3)]
        assert job.wait(JOB_SECONDS) == 0, (job.out / "coordinator.log").read_text()
        for client_id, process in enumerate(python):
            assert process.wait(30) == 0, (job.out / f"python-client-{client_id}.log").read_text()
        ledger = job.ledger()
        out = job.out
    assert [record["round"] for record in ledger] == list(range(1, rounds + 1))
    for record in ledger:
        assert record["status"] == "completed" and sorted(record["completed"]) == [0, 1, 2]
        assert record["flopsSource"] == "client-reported"
        evaluations = [client["evaluation"] for client in record["clients"]]
        examples = sum(e["examples"] for e in evaluations)
        # The 500 test samples, split IID over 3 clients, are evaluated once each round.
        assert record["evaluation"] == {"modelAfterRound": record["round"] - 1, "clients": 3, "examples": examples} and examples == 500
        assert record["testAccuracy"] == pytest.approx(sum(e["accuracy"] * e["examples"] for e in evaluations) / examples, abs=1e-12)
        assert record["testLoss"] == pytest.approx(sum(e["loss"] * e["examples"] for e in evaluations) / examples, abs=1e-12)
        for client in record["clients"]:
            assert client["flops"] > 0
    # Round 1 scores the initial model (about chance on 10 classes); training moves it on.
    assert ledger[-1]["testAccuracy"] > ledger[0]["testAccuracy"] + 0.1
    report = subprocess.run([str(binaries / "fedwatt"), "report", str(out)], capture_output=True, text=True, timeout=60)
    assert report.returncode == 0, report.stderr
    html = (out / "report.html").read_text()
    assert 'id="no-comparison"' in html and "external:tanh-mlp" in html
    assert "client-reported" in html and "federated evaluation" in html and "<svg" in html
    assert "federated evaluation" in (out / "report.md").read_text()
    assert len((out / "rounds.csv").read_text().splitlines()) == rounds + 1


def test_a_swift_client_refuses_an_external_model_naming_why(binaries, tmp_path):
    path = tmp_path / "tiny.npy"
    np.save(path, np.zeros(650, dtype=np.float32))
    with LocalJob(binaries, tmp_path / "out", [
            "--min-clients", "1", "--rounds", "1", "--model", "external:tiny", "--initial-parameters", str(path),
            "--dataset", DATASET, "--round-timeout", "60"]) as job:
        swift = job.start_swift_client(0, "--give-up-after", "5")
        assert swift.wait(60) != 0
        log = (job.out / "client-0.log").read_text()
    assert "external:tiny, a model FedWatt does not implement" in log, log


def test_a_bad_initial_parameters_file_stops_the_coordinator_naming_the_defect(binaries, tmp_path):
    path = tmp_path / "fortran.npy"
    np.save(path, np.asfortranarray(np.zeros((3, 4), dtype=np.float32)))
    result = subprocess.run([str(binaries / "fedwatt-coordinator"), "--model", "external:net", "--initial-parameters", str(path),
                             "--min-clients", "1", "--dataset", DATASET, "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"{path} is in Fortran order" in result.stderr + result.stdout
