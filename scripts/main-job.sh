#!/usr/bin/env bash
# Installs what FedWatt needs on a fresh Debian machine, builds it (release) and runs the main job:
# a simulated federated run on Fashion-MNIST (one coordinator and 10 client processes on 127.0.0.1),
# written to out/simulate (ledger.jsonl, summary.json).
# Extra arguments go to `fedwatt simulate` (e.g. --partition dirichlet:0.5 --rounds 30).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release
.build/release/fedwatt simulate --out out/simulate "$@"
