#!/usr/bin/env bash
# Installs what FedWatt needs on a fresh Debian machine, then runs the whole test suite: `swift test`,
# then the Python client's tests (pytest, in a virtual environment under .build, against the Swift
# executables that `swift test` built). Both run even if the first fails; the exit status is
# non-zero if either failed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift_status=0
swift test || swift_status=$?
venv=.build/python-venv
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check ./Clients/python pytest
python_status=0
FEDWATT_BIN_DIR="$(swift build --show-bin-path)" "$venv/bin/python" -m pytest -q Clients/python/tests || python_status=$?
if [ "$swift_status" -ne 0 ] || [ "$python_status" -ne 0 ]; then
    echo "swift test exited $swift_status, pytest exited $python_status" >&2
    exit 1
fi
