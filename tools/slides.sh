#!/usr/bin/env bash
# Writes the swimlane of each teaching scenario as a 1280x720 slide: docs/slides/NAME.svg (from
# `syncsim report --svg`) and docs/slides/NAME.png (a picture of it taken with headless Chromium).
# Usage: tools/slides.sh [SCENARIO.yaml ...]   (default: the teaching scenarios below)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
swift build --product syncsim >/dev/null
bin="$(swift build --show-bin-path)/syncsim"
mkdir -p docs/slides
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(Scenarios/local-edit-overwritten.yaml Scenarios/mass-update-backlog.yaml
  Scenarios/r11-sync-filter.yaml Scenarios/r9-activity-limit.yaml Scenarios/overwrite-timeline.yaml)
for s in "${scenarios[@]}"; do
  name=$(basename "$s" .yaml)
  "$bin" report "$s" --svg "docs/slides/$name.svg" >/dev/null
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,720 \
    --screenshot="$PWD/docs/slides/$name.png" "file://$PWD/docs/slides/$name.svg" 2>/dev/null
  echo "wrote docs/slides/$name.svg and .png"
done
