#!/usr/bin/env bash
# Fuzzes FedWatt's frame, message, tensor and checkpoint decoders with libFuzzer (address sanitizer on).
# Usage: bash Fuzz/run-fuzz.sh [SECONDS]   (default 60). New inputs go to Fuzz/.corpus-work; the
# committed seeds in Fuzz/Corpus are only read. A crash leaves its input in Fuzz/crash-*.
set -euo pipefail
cd "$(dirname "$0")"
bash ../scripts/install-deps.sh
swift build -c release --product make-fuzz-corpus >/dev/null
[ -n "$(ls -A Corpus 2>/dev/null)" ] || .build/release/make-fuzz-corpus Corpus
swift build -c release --sanitize=fuzzer --sanitize=address --product fuzz-decoders --scratch-path .build-fuzz >/dev/null
mkdir -p .corpus-work
.build-fuzz/release/fuzz-decoders .corpus-work Corpus -max_total_time="${1:-60}" -max_len=4096 -timeout=5 -print_final_stats=1 \
    -artifact_prefix=./crash-
