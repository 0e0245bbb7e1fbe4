#!/usr/bin/env bash
# The 1,000-client job, again and again: `fedwatt load --clients 1000 --per-round 100 --rounds 5
# --model mlp` RUNS times in a row, each bounded by TIMEOUT seconds, with a process sampling /proc
# beside it (the condition under which it used to hang before round 1). Prints each run's result
# line and the count that finished.
# Usage: bash Benchmarks/run-load-repeat.sh [RUNS] [TIMEOUT]   (default 30 and 300)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --quiet
runs="${1:-30}"
limit="${2:-300}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
finished=0
for run in $(seq 1 "$runs"); do
    # The sampler: every process's status, 20 times a second, as a memory monitor would.
    (while true; do cat /proc/[0-9]*/status > /dev/null 2>&1; sleep 0.05; done) &
    sampler=$!
    if line=$(timeout --kill-after=10 "$limit" .build/release/fedwatt load --clients 1000 --per-round 100 --rounds 5 \
        --model mlp --out "$work/load-$run" | grep -E "^load:"); then
        finished=$((finished + 1))
        echo "run $run: $line"
    else
        echo "run $run: did not finish within $limit s"
    fi
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    rm -rf "$work/load-$run"
done
echo "$finished of $runs runs finished"
