#!/usr/bin/env bash
# Installs what FedWatt needs on a fresh Debian machine, then runs the whole test suite: `swift test`,
# then the Python client's tests (pytest, in a virtual environment under .build, against the Swift
# executables that `swift test` built).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift test
venv=.build/python-venv
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check ./Clients/python pytest
FEDWATT_BIN_DIR="$(swift build --show-bin-path)" "$venv/bin/python" -m pytest -q Clients/python/tests
