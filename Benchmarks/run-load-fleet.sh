#!/usr/bin/env bash
# One job filled by several load processes: the first `fedwatt load` starts the coordinator and runs
# its share of the client ids, the others join it with --coordinator and --job. Prints the
# coordinator's lines that matter (its open-file limit, when every client was ready, each round),
# each process's result line, and the peak resident memory of every load process. Every process's
# whole output stays in OUT (default out/load-fleet).
# Usage: bash Benchmarks/run-load-fleet.sh [CLIENTS] [PROCESSES] [PER_ROUND] [ROUNDS] [MODEL]
#        (default 10000 clients in 4 processes, 1000 a round, 3 rounds, mlp)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --quiet
clients="${1:-10000}" processes="${2:-4}" per_round="${3:-1000}" rounds="${4:-3}" model="${5:-mlp}"
share=$(( (clients + processes - 1) / processes ))
work="${OUT:-out/load-fleet}"
rm -rf "$work" && mkdir -p "$work"
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "ulimit -Hn: $(ulimit -Hn); $clients clients in $processes processes of $share; $per_round a round, $rounds rounds, --model $model"
/usr/bin/time -f "process 0: peak RSS %M KiB, %e s" .build/release/fedwatt load --clients "$clients" --per-round "$per_round" \
    --rounds "$rounds" --model "$model" --count "$share" --port "$port" --out "$work/load" > "$work/host.log" 2>&1 &
host=$!
until [ -f "$work/load/job.json" ] && grep -q "^listening on" "$work/host.log"; do sleep 0.1; done
for index in $(seq 1 $(( processes - 1 ))); do
    first=$(( index * share ))
    count=$(( first + share > clients ? clients - first : share ))
    /usr/bin/time -f "process $index: peak RSS %M KiB, %e s" .build/release/fedwatt load --coordinator "127.0.0.1:$port" \
        --job "$work/load/job.json" --first-id "$first" --count "$count" > "$work/join-$index.log" 2>&1 &
done
wait
grep -E "^(open-file limit|round |load:|process 0)|clients ready" "$work/host.log"
echo "coordinator warnings: $(grep -c warning "$work/host.log" || true) (in $work/host.log)"
grep -hE "^(load:|process|Error)" "$work"/join-*.log
