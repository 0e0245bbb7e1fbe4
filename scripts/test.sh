#!/usr/bin/env bash
# Installs what FedWatt needs on a fresh Debian machine, then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift test
