#!/usr/bin/env bash
# Codec stages and pipelines on a 1M-parameter delta, with plain zlib as the bound, after the frames'
# CRC-32 (libdeflate's, as FedWatt computes it) against zlib's crc32 on the same bytes (release build).
# Usage: bash Benchmarks/run-codec-benchmark.sh [REPEATS]
set -euo pipefail
cd "$(dirname "$0")"
bash ../scripts/install-deps.sh
swift build -c release --quiet --product codec-benchmark
.build/release/codec-benchmark "${1:-5}"
