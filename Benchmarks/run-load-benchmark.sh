#!/usr/bin/env bash
# The load run: CLIENTS lightweight clients in one process (a socket each) against one coordinator
# process, for ROUNDS rounds of the default MLP job. Prints the coordinator's peak RSS (its VmHWM;
# target: under 300 MiB at 500 clients) and each round's wall time.
# Usage: bash Benchmarks/run-load-benchmark.sh [CLIENTS] [ROUNDS]   (default 500 and 3)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/release/fedwatt load --clients "${1:-500}" --rounds "${2:-3}" --out "$work/load" | grep -E "^load:"
