#!/usr/bin/env bash
# A FedWatt job with 2 PyTorch clients and 2 Swift clients on 127.0.0.1 (Fashion-MNIST, FedWatt's
# MLP 784-128-10, FedAvg): installs torch (CPU) into a virtual environment, builds the Swift
# executables (debug), runs the job and prints each round.
# Usage: bash Clients/python/examples/pytorch/run-pytorch-job.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../../../.."
rounds="${1:-5}"
bash scripts/install-deps.sh
venv=.build/pytorch-venv
python3 -m venv "$venv"
# torch: a CPU build. PyPI's Linux wheels bring CUDA libraries (gigabytes); this machine's pip finds the
# CPU wheel through its find-links (TORCH_SPEC overrides, e.g. torch==2.13.0+cpu).
"$venv/bin/pip" install --quiet --disable-pip-version-check ./Clients/python "${TORCH_SPEC:-torch==2.13.0+cpu}"
swift build --quiet --product fedwatt-coordinator
swift build --quiet --product fedwatt-client
"$venv/bin/python" Clients/python/examples/run_mixed_job.py --bin "$(swift build --show-bin-path)" \
    --client Clients/python/examples/pytorch/torch_mlp.py:TorchMLPClient --python-clients 2 --swift-clients 2 \
    --out out/pytorch-job -- --rounds "$rounds" --model mlp
