#!/usr/bin/env bash
# Installs what FedWatt needs on a fresh Debian machine, builds it (release) and runs the main job:
# for now the centralized baseline on Fashion-MNIST, written to out/centralized/centralized.json.
# Extra arguments go to `fedwatt centralized` (e.g. --model softmax --epochs 5).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product fedwatt
.build/release/fedwatt centralized --out out/centralized "$@"
