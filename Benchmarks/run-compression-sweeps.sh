#!/usr/bin/env bash
# Uplink and downlink codecs together, measured with `fedwatt sweep` (release build), one run at a
# time: the two-direction table of the default job, then the chosen pair beside `none` under a
# skewed partition and under client sampling. Each sweep's sweep.md is printed as it is written.
# Usage: bash Benchmarks/run-compression-sweeps.sh [OUT] [UPLINK DOWNLINK]
#   OUT defaults to out/compression; the pair to qsgd:4+range and topk:0.05+int4+zlib.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --quiet
out="${1:-out/compression}"
uplink="${2:-qsgd:4+range}"
downlink="${3:-topk:0.05+int4+zlib}"
fedwatt=.build/release/fedwatt
sweep() { "$fedwatt" sweep --downlink-delta "$@" | sed -n '/^Downlink as/,$p'; }

echo "== default job, uplink x downlink"
sweep --codecs none,qsgd:4+zlib,qsgd:4+range \
    --downlink-codecs none,int8+zlib,topk:0.1+int8+zlib,topk:0.05+int4+zlib,topk:0.05+int4+range --out "$out/default"
echo "== --partition dirichlet:0.5"
sweep --codecs "none,$uplink" --downlink-codecs "none,$downlink" --partition dirichlet:0.5 --out "$out/dirichlet"
echo "== --per-round 5"
sweep --codecs "none,$uplink" --downlink-codecs "none,$downlink" --per-round 5 --out "$out/per-round-5"
