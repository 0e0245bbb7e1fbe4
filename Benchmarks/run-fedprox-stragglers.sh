#!/usr/bin/env bash
# Li et al., "Federated Optimization in Heterogeneous Networks" (FedProx, MLSys 2020), Figure 1, on
# FedWatt's device clock: 0%, 50% and 90% of the clients are too slow to finish 20 local epochs by
# the round's device-time deadline. FedAvg drops them (--straggler-policy drop); FedProx takes the
# work that fits (--straggler-policy partial), with mu = 0 and mu = 1.
# Fashion-MNIST, softmax (the paper's MNIST model), pathological label skew (2 shards a client),
# 50 clients, 10 a round, 100 rounds, lr 0.03, batch 10 as in the paper. The fleets are in
# Benchmarks/fedprox-stragglers: smartphones (fast) and Raspberry Pi 4s (slow) on WiFi.
# Writes OUT/<stragglers>-<method>/ (ledger, summary) and OUT/fedprox-stragglers.md (the table).
# Usage: bash Benchmarks/run-fedprox-stragglers.sh [OUT] [ROUNDS]   (default out/fedprox-stragglers, 100)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --quiet
out="${1:-out/fedprox-stragglers}"
rounds="${2:-100}"
fleets=Benchmarks/fedprox-stragglers
# 1,200 samples, 20 epochs of batches of 10: 2,400 steps, 0.79 GFLOP (0.85 with mu > 0, for the
# proximal term). A smartphone's round (40-42 ms of compute, 18 ms of transfers) fits 65 ms; a Pi's
# (134-144 ms of compute at 5.9 GFLOP/s) does not: with partial work it trains 33-35% of its steps.
deadline=0.065
for stragglers in 0 50 90; do
    for method in fedavg fedprox-mu0 fedprox-mu1; do
        case "$method" in
            fedavg) flags=(--strategy fedavg --straggler-policy drop) ;;
            fedprox-mu0) flags=(--strategy fedprox --mu 0 --straggler-policy partial) ;;
            fedprox-mu1) flags=(--strategy fedprox --mu 1 --straggler-policy partial) ;;
        esac
        echo "== $stragglers% stragglers, $method"
        .build/release/fedwatt simulate --no-report --clients 50 --per-round 10 --rounds "$rounds" \
            --model softmax --partition shards:2 --local-epochs 20 --lr 0.03 --batch 10 \
            --min-completion 1 --max-round-attempts 20 --fleet "$fleets/stragglers-$stragglers.json" --deadline "$deadline" \
            "${flags[@]}" --out "$out/$stragglers-$method" | tail -n 2
    done
done
python3 "$fleets/summarize.py" "$out" | tee "$out/fedprox-stragglers.md"
