#!/usr/bin/env bash
# A FedWatt job of a model FedWatt does not implement: 3 PyTorch clients train their own small CNN
# (torch_cnn_external.py, external:torch-cnn) on Fashion-MNIST with federated evaluation, then
# `fedwatt report` renders the run. Installs torch (CPU) into a virtual environment, builds the Swift
# executables (debug), writes the initial parameters, runs the job and prints each round. A round waits up
# to 900 s: three clients training 20,000 images each share the 2 cores.
# Usage: bash Clients/python/examples/pytorch/run-external-job.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../../../.."
rounds="${1:-5}"
out=out/pytorch-external-job
bash scripts/install-deps.sh
venv=.build/pytorch-venv
python3 -m venv "$venv"
# torch: a CPU build, as run-pytorch-job.sh installs it (TORCH_SPEC overrides).
"$venv/bin/pip" install --quiet --disable-pip-version-check ./Clients/python "${TORCH_SPEC:-torch==2.13.0+cpu}"
for product in fedwatt-coordinator fedwatt-client fedwatt; do swift build --quiet --product "$product"; done
bin="$(swift build --show-bin-path)"
rm -rf "$out" && mkdir -p "$out"
"$venv/bin/python" Clients/python/examples/pytorch/torch_cnn_external.py --write-initial "$out/torch-cnn.npy"
"$venv/bin/python" Clients/python/examples/run_mixed_job.py --bin "$bin" \
    --client Clients/python/examples/pytorch/torch_cnn_external.py:TorchCNNClient --python-clients 3 --swift-clients 0 \
    --timeout 3600 --out "$out" -- --rounds "$rounds" --model external:torch-cnn --initial-parameters "$out/torch-cnn.npy" --round-timeout 900
"$bin/fedwatt" report "$out"
