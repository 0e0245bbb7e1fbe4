#!/usr/bin/env bash
# FedWatt's local training against numpy on the same MLP epoch, same data, weights and batch order.
# Usage: bash Benchmarks/run-training-benchmark.sh [REPEATS]
#
# It runs twice: first with this machine's OpenBLAS settings, then with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE removed, so that each library picks its own kernel for the CPU. Both sides always
# share one environment and one thread.
set -euo pipefail
cd "$(dirname "$0")"
bash ../scripts/install-deps.sh
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore numpy threadpoolctl
swift build -c release --product train-benchmark
repeats="${1:-21}"
echo "== with the machine's OpenBLAS settings (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})"
OPENBLAS_NUM_THREADS=1 .build/release/train-benchmark "$PWD/numpy_mlp.py" "$repeats"
echo "== with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (each library detects the CPU)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 .build/release/train-benchmark "$PWD/numpy_mlp.py" "$repeats"
