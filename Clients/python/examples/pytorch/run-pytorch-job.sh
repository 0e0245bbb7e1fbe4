#!/usr/bin/env bash
# A FedWatt job with 2 PyTorch clients (torch_model.py) and 2 Swift clients on 127.0.0.1
# (Fashion-MNIST IID, FedAvg) on one of FedWatt's own models: the MLP 784-128-10 (default), or
# lenet5 or cnn, the same network in both languages. Installs torch (CPU) into a virtual environment,
# builds the Swift executables (debug), runs the job and prints each round. For a convolutional
# network a round waits up to 900 s and the job up to 2 hours: four clients train 15,000 images
# each on the shared cores (lenet5 is the cheaper CNN: 2.3 MFLOP a sample, the FedAvg CNN 72.7).
# Usage: bash Clients/python/examples/pytorch/run-pytorch-job.sh [ROUNDS] [mlp|softmax|lenet5|cnn]
set -euo pipefail
cd "$(dirname "$0")/../../../.."
rounds="${1:-5}"
model="${2:-mlp}"
bash scripts/install-deps.sh
venv=.build/pytorch-venv
python3 -m venv "$venv"
# torch: a CPU build. PyPI's Linux wheels bring CUDA libraries (gigabytes); this machine's pip finds the
# CPU wheel through its find-links (TORCH_SPEC overrides, e.g. torch==2.13.0+cpu).
"$venv/bin/pip" install --quiet --disable-pip-version-check ./Clients/python "${TORCH_SPEC:-torch==2.13.0+cpu}"
swift build --quiet --product fedwatt-coordinator
swift build --quiet --product fedwatt-client
case "$model" in
    mlp | softmax) out=out/pytorch-job timeouts=() ;;
    *) out="out/pytorch-job-$model" timeouts=(--round-timeout 900) ;;
esac
"$venv/bin/python" Clients/python/examples/run_mixed_job.py --bin "$(swift build --show-bin-path)" \
    --client Clients/python/examples/pytorch/torch_model.py:TorchModelClient --python-clients 2 --swift-clients 2 \
    --timeout 7200 --out "$out" -- --rounds "$rounds" --model "$model" "${timeouts[@]}"
