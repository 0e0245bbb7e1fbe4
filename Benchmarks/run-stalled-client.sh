#!/usr/bin/env bash
# What a client that stops reading, and a client whose link goes down for 30 s, cost a round: each
# round's host time and drops from the ledger, with --round-timeout as the deadline.
# Usage: bash Benchmarks/run-stalled-client.sh [debug|release]   (default release; as root: the outage
# uses a network namespace)
#
# 1. Stopped reader: two clients; once round 1 is in the ledger, client 1 is stopped (SIGSTOP), so it
#    neither answers nor reads, and its socket fills with RoundStarts (a 6.4 MB model, --hidden 2048).
# 2. Link outage: client 1 runs in a network namespace joined by a veth pair (10.77.0.1/10.77.0.2,
#    made here and removed at the end); once round 1 is in the ledger, the link is down for 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh iproute2
configuration="${1:-release}"
swift build -c "$configuration" --quiet
bin=".build/$configuration"
out=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
    ip netns del fedwatt-outage 2>/dev/null || true
    ip link del fedwatt-host 2>/dev/null || true
}
trap cleanup EXIT
data="--dataset synthetic:features=784,classes=10,train=2000,test=500"

# Starts a coordinator with the given flags; sets $port once it listens.
start_coordinator() {
    local log=$1
    shift
    "$bin/fedwatt-coordinator" --port 0 --min-clients 2 --min-completion 1 $data "$@" >"$log" 2>&1 &
    pids+=($!)
    coordinator=$!
    until grep -q "listening on" "$log"; do sleep 0.05; done
    port=$(sed -n 's/.*listening on [^:]*:\([0-9]*\).*/\1/p' "$log")
}
wait_for_round() {
    until [ -f "$1/ledger.jsonl" ] && [ "$(wc -l <"$1/ledger.jsonl")" -ge "$2" ]; do sleep 0.05; done
}
report() {
    python3 - "$1/ledger.jsonl" "$2" <<'PY'
import json, sys
deadline = float(sys.argv[2])
worst = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    drops = ", ".join(f"client {d['client']} {d['reason']}" for d in r["dropped"]) or "none"
    worst = max(worst, r["wallSeconds"])
    print(f"  round {r['round']} attempt {r['attempt']}: {r['wallSeconds']:.2f} s, completed {r['completed']}, dropped: {drops}")
print(f"  longest round {worst:.2f} s with a {deadline:.0f} s deadline: {worst - deadline:+.2f} s past it")
PY
}

echo "== 1. a client that stops reading (SIGSTOP after round 1), --round-timeout 5"
start_coordinator "$out/stopped.log" --rounds 6 --round-timeout 5 --hidden 2048 --out "$out/stopped"
"$bin/fedwatt-client" --coordinator "127.0.0.1:$port" --id 0 >"$out/stopped-client0.log" 2>&1 &
pids+=($!)
"$bin/fedwatt-client" --coordinator "127.0.0.1:$port" --id 1 >"$out/stopped-client1.log" 2>&1 &
stopped=$!
pids+=($stopped)
wait_for_round "$out/stopped" 1
kill -STOP "$stopped"
wait "$coordinator"
report "$out/stopped" 5

echo "== 2. a 30 s link outage (veth down after round 1), --round-timeout 10"
ip netns add fedwatt-outage
ip link add fedwatt-host type veth peer name fedwatt-peer
ip link set fedwatt-peer netns fedwatt-outage
ip addr add 10.77.0.1/24 dev fedwatt-host
ip link set fedwatt-host up
ip netns exec fedwatt-outage ip addr add 10.77.0.2/24 dev fedwatt-peer
ip netns exec fedwatt-outage ip link set fedwatt-peer up
ip netns exec fedwatt-outage ip link set lo up
start_coordinator "$out/outage.log" --host 10.77.0.1 --rounds 8 --round-timeout 10 --out "$out/outage"
"$bin/fedwatt-client" --coordinator "10.77.0.1:$port" --id 0 >"$out/outage-client0.log" 2>&1 &
pids+=($!)
ip netns exec fedwatt-outage "$bin/fedwatt-client" --coordinator "10.77.0.1:$port" --id 1 --give-up-after 120 \
    >"$out/outage-client1.log" 2>&1 &
pids+=($!)
wait_for_round "$out/outage" 1
ip link set fedwatt-host down
sleep 30
ip link set fedwatt-host up
wait "$coordinator"
report "$out/outage" 10
echo "logs and ledgers in $out"
