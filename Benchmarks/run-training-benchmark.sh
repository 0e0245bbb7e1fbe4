#!/usr/bin/env bash
# FedWatt's local training against reference implementations on the same data, weights and batch
# order: the MLP epoch against numpy, the FedAvg CNN epoch (batch 32 and 10) against PyTorch.
# Usage: bash Benchmarks/run-training-benchmark.sh [REPEATS] [CNN_REPEATS]
#
# numpy comes from PyPI into a virtual environment (.venv-numpy here; Debian's Python refuses
# system-wide pip installs). PyTorch is Debian's python3-torch, run by Debian's own /usr/bin/python3
# (PyPI's Linux wheel pulls in gigabytes of CUDA libraries).
#
# It runs with this machine's OpenBLAS settings, then, if OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE is
# set, again without them, so that each library picks its own kernel for the CPU. Both sides always
# share one environment and one thread.
set -euo pipefail
cd "$(dirname "$0")"
bash ../scripts/install-deps.sh python3-venv python3-torch
venv="$PWD/.venv-numpy"
[ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy threadpoolctl
swift build -c release --product train-benchmark
repeats="${1:-21}"
cnn_repeats="${2:-3}"
run() {
    env "$@" OPENBLAS_NUM_THREADS=1 .build/release/train-benchmark \
        "$venv/bin/python" "$PWD/numpy_mlp.py" /usr/bin/python3 "$PWD/torch_cnn.py" "$repeats" "$cnn_repeats"
}
echo "== with the machine's OpenBLAS settings (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})"
run
if [ -n "${OPENBLAS_CORETYPE:-}${OPENBLAS_L2_SIZE:-}" ]; then
    echo "== with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (each library detects the CPU)"
    run -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE
fi
