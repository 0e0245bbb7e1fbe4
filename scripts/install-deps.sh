#!/usr/bin/env bash
# Installs the Debian packages FedWatt builds, tests and runs with, plus any named as arguments (a
# script's own tools); does nothing when they are present.
# Usage: bash scripts/install-deps.sh [EXTRA-PACKAGE ...]
set -euo pipefail
packages=(zlib1g-dev libdeflate-dev libopenblas-dev pkg-config dataset-fashion-mnist openssl python3-venv prometheus "$@")
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "swift is not on PATH: FedWatt needs Swift 6; add its bin folder (here /opt/swift/usr/bin) to PATH" >&2
    exit 1
fi
