#!/usr/bin/env bash
# Renders a run's report.html in headless Chromium (Debian's `chromium`) to report.png beside it,
# so a person can look at what the report shows.
# Usage: bash scripts/screenshot-report.sh DIR [HEIGHT]
set -euo pipefail
dir=$(cd "${1:?usage: screenshot-report.sh DIR [HEIGHT]}" && pwd)
[ -f "$dir/report.html" ] || { echo "no report.html in $dir (run fedwatt simulate or fedwatt report first)" >&2; exit 1; }
if ! command -v chromium >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
fi
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,"${2:-4200}" \
    --screenshot="$dir/report.png" "file://$dir/report.html" 2>/dev/null
echo "wrote $dir/report.png"
