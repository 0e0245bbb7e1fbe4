"""Running a real FedWatt job on 127.0.0.1 from Python: the Swift ``fedwatt-coordinator`` and
``fedwatt-client`` executables as child processes, for tests and examples (like hummingbird's
testing library, a piece only tests and examples need)."""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import threading
import time


def swift_binaries(repo_root, build=True, timeout=1800):
    """The folder holding debug builds of ``fedwatt-coordinator``, ``fedwatt-client`` and ``fedwatt``
    (for its reports) in ``repo_root``'s ``.build``, running ``swift build`` there first when
    ``build`` (bounded by ``timeout``)."""
    repo_root = pathlib.Path(repo_root)
    names = ("fedwatt-coordinator", "fedwatt-client", "fedwatt")
    if build:
        for name in names:
            subprocess.run(["swift", "build", "--quiet", "--product", name], cwd=repo_root, check=True, timeout=timeout)
    folder = pathlib.Path(subprocess.run(["swift", "build", "--show-bin-path"], cwd=repo_root, check=True, timeout=timeout,
                                         capture_output=True, text=True).stdout.strip())
    for name in names:
        if not (folder / name).exists():
            raise FileNotFoundError(f"{folder / name} is missing; run `swift build` in {repo_root}")
    return folder


class LocalJob:
    """A coordinator process on 127.0.0.1 with a free port, plus the Swift clients started beside it.

    Use as a context manager: every child is killed on exit. ``ledger()`` reads ``ledger.jsonl``.
    """

    def __init__(self, binaries, out, coordinator_arguments, startup_timeout=60):
        """Starts ``fedwatt-coordinator --port 0 --out OUT ARGUMENTS`` and waits for its port."""
        self.binaries = pathlib.Path(binaries)
        self.out = pathlib.Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.children = []
        self.coordinator_arguments = list(coordinator_arguments)
        self.startup_timeout = startup_timeout
        self._coordinator_log = open(self.out / "coordinator.log", "w")
        self._start_coordinator("0", [])

    def _start_coordinator(self, port, extra):
        self.coordinator = subprocess.Popen(
            [str(self.binaries / "fedwatt-coordinator"), "--port", port, "--out", str(self.out), *self.coordinator_arguments,
             *extra], stdout=subprocess.PIPE, stderr=self._coordinator_log, text=True)
        self.children.append(self.coordinator)
        self.address = self._await_port(self.startup_timeout)
        threading.Thread(target=self._drain, args=(self.coordinator,), daemon=True).start()

    def restart_coordinator_after_crash(self):
        """SIGKILLs the coordinator and starts it again with ``--resume`` on the same port, as after a
        crash: the clients must reconnect by themselves."""
        self.coordinator.kill()
        self.coordinator.wait()
        self._start_coordinator(self.address.rpartition(":")[2], ["--resume"])

    def _await_port(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.coordinator.stdout.readline()
            if not line:
                break
            if line.startswith("listening on "):
                return line[len("listening on "):].strip()
        self.close()
        raise RuntimeError(f"the coordinator did not announce its port; see {self.out / 'coordinator.log'}")

    def _drain(self, coordinator):
        with open(self.out / "coordinator.out", "a") as log:
            for line in coordinator.stdout:
                log.write(line)

    def start_swift_client(self, client_id, *arguments):
        """Starts ``fedwatt-client --coordinator ADDRESS --id ID ARGUMENTS``; its output goes to ``client-ID.log``."""
        log = open(self.out / f"client-{client_id}.log", "w")
        process = subprocess.Popen([str(self.binaries / "fedwatt-client"), "--coordinator", self.address, "--id", str(client_id),
                                    *arguments], stdout=log, stderr=subprocess.STDOUT)
        self.children.append(process)
        return process

    def start_python_client(self, client_id, client_class, *arguments):
        """Starts ``fedwatt-py-client`` (from this interpreter's environment) with ``--client CLIENT_CLASS``
        (``FILE.py:CLASS`` or ``MODULE:CLASS``); its output goes to ``python-client-ID.log``."""
        command = shutil.which("fedwatt-py-client", path=os.path.dirname(sys.executable))
        prefix = [command] if command else [sys.executable, "-m", "fedwatt_client.cli"]
        log = open(self.out / f"python-client-{client_id}.log", "w")
        process = subprocess.Popen([*prefix, "--coordinator", self.address, "--id", str(client_id), "--client", str(client_class),
                                    *arguments], stdout=log, stderr=subprocess.STDOUT)
        self.children.append(process)
        return process

    def wait(self, timeout):
        """Waits for the coordinator to finish the job; returns its exit status."""
        return self.coordinator.wait(timeout)

    def ledger(self):
        """The ledger's records (one dict per round attempt)."""
        path = self.out / "ledger.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def close(self):
        """Kills every child still running."""
        for child in self.children:
            if child.poll() is None:
                child.kill()
                child.wait()
        self._coordinator_log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def client_losses(ledger, client_id):
    """``{round: training loss}`` that ``client_id`` reported, from a ledger's completed rounds."""
    losses = {}
    for record in ledger:
        for client in record.get("clients", []):
            if client.get("client") == client_id and client.get("trainLoss") is not None and client_id in record.get("completed", []):
                losses[record["round"]] = client["trainLoss"]
    return losses

