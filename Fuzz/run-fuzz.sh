#!/usr/bin/env bash
# Fuzzes FedWatt's frame, message, tensor and checkpoint decoders with libFuzzer (address sanitizer on).
# Usage: bash Fuzz/run-fuzz.sh [SECONDS]   (default 60). New inputs go to Fuzz/.corpus-work; the
# committed seeds in Fuzz/Corpus are only read. A crash leaves its input in Fuzz/crash-*.
set -euo pipefail
cd "$(dirname "$0")"
bash ../scripts/install-deps.sh
swift build -c release --quiet --product make-fuzz-corpus
[ -n "$(ls -A Corpus 2>/dev/null)" ] || .build/release/make-fuzz-corpus Corpus
# swiftc (6.3) hands only the last of several -sanitize= flags to its compile jobs, so SwiftPM's
# "--sanitize=fuzzer --sanitize=address" builds the Swift code with ASan but without libFuzzer's
# coverage counters (only the C targets get them). The combined flag, given last, restores both.
swift build -c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address \
    --quiet --product fuzz-decoders --scratch-path .build-fuzz
mkdir -p .corpus-work
.build-fuzz/release/fuzz-decoders .corpus-work Corpus -max_total_time="${1:-60}" -max_len=4096 -timeout=5 -print_final_stats=1 \
    -artifact_prefix=./crash-
