#!/usr/bin/env bash
# What an idle connection costs: a coordinator for a job of CLIENTS + 1 clients (so it never starts
# a round) is started by `fedwatt load --count 0`; load processes of STEP clients each join it in
# turn. After each, once the coordinator's metrics say every client so far is registered and ready,
# it prints the coordinator's resident memory (VmRSS) and that of the load process that joined.
# Usage: bash Benchmarks/run-idle-connections.sh [CLIENTS] [STEP] [MODEL]   (default 10000, 2500, mlp)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --quiet
clients="${1:-10000}" step="${2:-2500}" model="${3:-mlp}"
work="${OUT:-out/idle-connections}"
rm -rf "$work" && mkdir -p "$work"
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port) metrics=$(free_port)
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
ready() { curl -s "127.0.0.1:$metrics/metrics" | awk '/^fedwatt_clients_ready / { print int($2) }'; }
.build/release/fedwatt load --clients $((clients + 1)) --count 0 --model "$model" --port "$port" --metrics-port "$metrics" \
    --out "$work/load" > "$work/host.log" 2>&1 &
until grep -q "^metrics on" "$work/host.log"; do sleep 0.1; done
coordinator=$(pgrep -f "fedwatt-coordinator --job $work/load/job.json")
none=$(rss "$coordinator")
echo "ulimit -Hn: $(ulimit -Hn); --model $model; coordinator with no client: VmRSS $none KiB"
for first in $(seq 0 "$step" $((clients - 1))); do
    count=$(( first + step > clients ? clients - first : step ))
    .build/release/fedwatt load --coordinator "127.0.0.1:$port" --job "$work/load/job.json" --first-id "$first" --count "$count" \
        > "$work/join-$first.log" 2>&1 &
    joined=$!
    until [ "$(ready)" = "$((first + count))" ]; do sleep 0.2; done
    sleep 2  # the last Welcome's frames and the heap settle
    now=$(rss "$coordinator")
    echo "$((first + count)) idle clients: coordinator VmRSS $now KiB, $(( (now - none) * 1024 / (first + count) )) bytes a client more than with none; the load process of $count clients: VmRSS $(rss "$joined") KiB"
done
