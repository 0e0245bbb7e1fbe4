#!/usr/bin/env bash
# Fuzzes FedWatt with libFuzzer (address sanitizer on).
# Usage: bash Fuzz/run-fuzz.sh [SECONDS] [TARGET]   (default 60 s, fuzz-decoders)
#   fuzz-decoders: arbitrary bytes into the frame, message, tensor and checkpoint decoders;
#   fuzz-updates:  arbitrary Update field values through the inbound pipeline and the coordinator's
#                  UpdateValidator, checking that an accepted update keeps every aggregate finite.
# New inputs go to Fuzz/.corpus-work-TARGET; the committed seeds in Fuzz/Corpus (fuzz-decoders) are
# only read. A crash leaves its input in Fuzz/crash-*.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
target="${2:-fuzz-decoders}"
bash ../scripts/install-deps.sh
seeds=()
if [ "$target" = fuzz-decoders ]; then
    swift build -c release --quiet --product make-fuzz-corpus
    [ -n "$(ls -A Corpus 2>/dev/null)" ] || .build/release/make-fuzz-corpus Corpus
    seeds=(Corpus)
fi
# swiftc (6.3) hands only the last of several -sanitize= flags to its compile jobs, so SwiftPM's
# "--sanitize=fuzzer --sanitize=address" builds the Swift code with ASan but without libFuzzer's
# coverage counters (only the C targets get them). The combined flag, given last, restores both.
swift build -c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address \
    --quiet --product "$target" --scratch-path .build-fuzz
mkdir -p ".corpus-work-$target"
".build-fuzz/release/$target" ".corpus-work-$target" "${seeds[@]}" -max_total_time="$seconds" -max_len=4096 -timeout=5 \
    -print_final_stats=1 -artifact_prefix=./crash-
