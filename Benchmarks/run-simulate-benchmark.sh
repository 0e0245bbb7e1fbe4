#!/usr/bin/env bash
# The default federated job, measured: whole-command time, coordination overhead, coordinator memory.
# Usage: bash Benchmarks/run-simulate-benchmark.sh [extra fedwatt simulate flags]
# With FEDWATT_BIN_DIR set, the executables there are measured (say, another commit's release build,
# for a before-and-after) instead of this tree's release build.
#
# 1. `fedwatt simulate --no-report` (release) under /usr/bin/time: the whole federated run, process
#    start-up included (the centralized baseline and report that `simulate` adds by default are not).
#    From its summary.json: the rounds' total wall time against the clients' training CPU-seconds
#    spread over the machine's cores (target: at most 1.2x).
# 2. The same job with the coordinator started by hand under /usr/bin/time -v and the 10 clients
#    beside it: the coordinator's peak RSS (target: at most 60 MiB).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh time python3  # /usr/bin/time -v and the summary arithmetic
if [ -z "${FEDWATT_BIN_DIR:-}" ]; then swift build -c release --quiet; fi
bin=${FEDWATT_BIN_DIR:-.build/release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/time -f "%e" -o "$work/simulate.time" "$bin/fedwatt" simulate --no-report --out "$work/simulate" "$@" | grep -E "^(done|simulate):"
python3 - "$work/simulate/summary.json" "$(cat "$work/simulate.time")" "$(nproc)" <<'PY'
import json, sys
summary, whole, cores = json.load(open(sys.argv[1])), float(sys.argv[2]), int(sys.argv[3])
spread = summary["clientCPUSeconds"] / cores
print(f"whole command               {whole:.2f} s (target <= 12 s)")
print(f"final test accuracy         {summary['finalAccuracy']:.4f}")
print(f"rounds' total wall time     {summary['roundsWallSeconds']:.2f} s")
print(f"client training CPU / {cores}     {spread:.2f} s")
print(f"ratio                       {summary['roundsWallSeconds'] / spread:.2f}x (target <= 1.2x)")
print(f"evaluation (between rounds) {summary['evaluationSeconds']:.2f} s")
print(f"uplink / downlink           {summary['uplinkBytes']:,} / {summary['downlinkBytes']:,} bytes")
PY

port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
/usr/bin/time -v -o "$work/coordinator.time" "$bin/fedwatt-coordinator" --port "$port" --min-clients 10 \
    --out "$work/rss" "$@" > "$work/coordinator.log" &
coordinator=$!
for _ in $(seq 50); do grep -q "^listening on" "$work/coordinator.log" 2>/dev/null && break; sleep 0.1; done
for id in $(seq 0 9); do "$bin/fedwatt-client" --coordinator "127.0.0.1:$port" --id "$id" & done
wait "$coordinator"
wait
rss=$(awk '/Maximum resident set size/ {print $6}' "$work/coordinator.time")
echo "coordinator peak RSS        $((rss / 1024)) MiB (${rss} KiB; target <= 60 MiB)"
