#!/usr/bin/env bash
# Writes a PNG screenshot of an HTML report (default: the built-in example at 10m) with headless Chromium.
# Usage: tools/screenshot.sh [SCENARIO_OR_LOG] [OUTPUT.png] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-Scenarios/local-edit-overwritten.yaml}
out=${2:-docs/report.png}
steps=${3:-4}
command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
swift build --product syncsim >/dev/null
case $out in /*) abs=$out ;; *) abs=$PWD/$out ;; esac
html=$(mktemp --suffix=.html)
trap 'rm -f "$html"' EXIT
"$(swift build --show-bin-path)/syncsim" report "$src" -o "$html" >/dev/null
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,800 \
  --screenshot="$abs" "file://$html#steps=$steps" 2>/dev/null
echo "wrote $out"
