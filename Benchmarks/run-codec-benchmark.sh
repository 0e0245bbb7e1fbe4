#!/usr/bin/env bash
# Codec stages and pipelines on a 1M-parameter delta, with plain zlib as the bound (release build).
# Usage: bash Benchmarks/run-codec-benchmark.sh [REPEATS]
set -euo pipefail
cd "$(dirname "$0")"
bash ../scripts/install-deps.sh
swift build -c release --quiet --product codec-benchmark
.build/release/codec-benchmark "${1:-5}"
