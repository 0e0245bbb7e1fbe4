#!/usr/bin/env bash
# Installs what FedWatt needs on a fresh Debian machine, builds it (release) and runs the main job:
# a simulated federated run on Fashion-MNIST (one coordinator and 10 client processes on 127.0.0.1)
# for a mixed fleet on the device clock (phones on LTE, Raspberry Pis and Jetsons on WiFi, a 1 s
# deadline), compressed both ways (QSGD 4-bit and a range coder up; top-5%, int4 and zlib differences
# down), then the centralized baseline and the comparative report, all in out/simulate.
# Extra arguments go to `fedwatt simulate` (e.g. --partition dirichlet:0.5 --rounds 30).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release
.build/release/fedwatt simulate --out out/simulate --fleet mixed --deadline 1.0 \
    --codec qsgd:4+range --downlink-codec topk:0.05+int4+zlib --downlink-delta "$@"
