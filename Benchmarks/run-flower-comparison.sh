#!/usr/bin/env bash
# FedWatt against Flower's simulation engine on one workload, in one run: Fashion-MNIST, the MLP
# 784-128-10, CLIENTS clients with IID shards, PER_ROUND clients a round, 1 local epoch, ROUNDS
# rounds, FedAvg, server-side evaluation. First `fedwatt load` runs the job (a coordinator process
# and one process of clients); then Benchmarks/flower_fedavg.py runs the same job (summary.json's) in
# Flower's `run_simulation` with Ray, from the same initial weights, shards, batch orders and clients
# each round. Each runs under Benchmarks/process_tree_memory.py, which sums the resident memory of
# every process it starts every 0.05 s. Prints the side-by-side table (flower_comparison_report.py);
# every file of the run stays in OUT (default out/flower-comparison).
#
# Flower comes from PyPI into its own virtual environment (Benchmarks/.venv-flower), beside the
# Python client package (Clients/python). Flower's telemetry and Ray's usage statistics are off.
# Usage: bash Benchmarks/run-flower-comparison.sh [CLIENTS] [PER_ROUND] [ROUNDS] [CPUS_PER_CLIENT]
#        (default 1000, 100, 5 and 1: two Ray actors on two cores)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --quiet
venv=Benchmarks/.venv-flower
[ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "flwr[simulation]==1.42.0" ./Clients/python
python="$venv/bin/python"
clients="${1:-1000}" per_round="${2:-100}" rounds="${3:-5}" cpus="${4:-1}"
work="${OUT:-out/flower-comparison}"
rm -rf "$work" && mkdir -p "$work"
export FLWR_TELEMETRY_ENABLED=0 RAY_USAGE_STATS_ENABLED=0
echo "FedWatt: fedwatt load --clients $clients --per-round $per_round --rounds $rounds --model mlp --local-epochs 1"
"$python" Benchmarks/process_tree_memory.py --out "$work/fedwatt-memory.json" -- .build/release/fedwatt load --clients "$clients" \
    --per-round "$per_round" --rounds "$rounds" --model mlp --local-epochs 1 --out "$work/fedwatt" > "$work/fedwatt.log" 2>&1
echo "Flower $("$python" -c 'import flwr; print(flwr.__version__)'), Ray $("$python" -c 'import ray; print(ray.__version__)'): flower_fedavg.py, $cpus CPU a client"
"$python" Benchmarks/process_tree_memory.py --out "$work/flower-memory.json" -- "$python" Benchmarks/flower_fedavg.py \
    --summary "$work/fedwatt/summary.json" --per-round "$per_round" --rounds "$rounds" --cpus-per-client "$cpus" \
    --shards "$work/shards.npz" --out "$work/flower.json" > "$work/flower.log" 2>&1
"$python" Benchmarks/flower_comparison_report.py "$work"
