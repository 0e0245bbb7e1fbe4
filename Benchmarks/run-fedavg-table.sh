#!/usr/bin/env bash
# McMahan et al. 2017 ("Communication-Efficient Learning of Deep Networks from Decentralized Data"),
# Table 2's structure on Fashion-MNIST with FedWatt's real processes and sockets: rounds for a CNN to
# reach a target test accuracy, FedSGD (E = 1, B = the whole shard) against FedAvg with several
# (E, B), K = 100 clients of 600 samples, C = 0.1 (10 a round), IID and pathological non-IID (labels
# sorted into 200 shards of 300, two a client: --partition shards:2). Each cell runs once per
# learning rate of its grid and keeps the fastest, as the paper did; every run stops at the target
# (--stop-at-accuracy) or after MAX_ROUNDS. Beside the rounds, what the paper does not have: the
# uplink bytes, device joules and gCO2e spent to reach the target.
# Usage: bash Benchmarks/run-fedavg-table.sh [MODEL] [TARGET] [MAX_ROUNDS] [OUT]
#   (default lenet5 0.88 300 out/fedavg-table; MODEL cnn is the paper's CNN, about 6x the compute)
# Runs that finished are kept (OUT/<partition>-<row>-lr<LR>/summary.json) and skipped when the
# script runs again, so it can be stopped and resumed. Writes OUT/fedavg-table.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --quiet
model="${1:-lenet5}"
target="${2:-0.88}"
max_rounds="${3:-300}"
out="${4:-out/fedavg-table}"
# Rows: name, local epochs E, batch B (600 = the whole shard, the paper's B = infinity), learning rates.
rows=(
    "fedsgd 1 600 0.1 0.3 1.0"
    "fedavg-e5-binf 5 600 0.1 0.3 1.0"
    "fedavg-e1-b50 1 50 0.03 0.1 0.3"
    "fedavg-e1-b10 1 10 0.01 0.03 0.1"
    "fedavg-e5-b10 5 10 0.01 0.03 0.1"
    "fedavg-e20-b10 20 10 0.01 0.03 0.1"
)
for partition in iid shards:2; do
    for row in "${rows[@]}"; do
        read -r name epochs batch lrs <<<"$row"
        for lr in $lrs; do
            run="$out/${partition%%:*}-$name-lr$lr"
            [ -f "$run/summary.json" ] && continue
            echo "== $partition $name lr $lr"
            .build/release/fedwatt simulate --no-report --model "$model" --clients 100 --per-round 10 \
                --partition "$partition" --local-epochs "$epochs" --batch "$batch" --lr "$lr" \
                --rounds "$max_rounds" --stop-at-accuracy "$target" --round-timeout 600 --out "$run" | tail -n 2
        done
    done
done
python3 Benchmarks/fedavg-table/summarize.py "$out" "$target" "$max_rounds" | tee "$out/fedavg-table.md"
