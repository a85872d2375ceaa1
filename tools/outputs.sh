#!/usr/bin/env bash
# Prints a SHA-256 of each output that must not change when the engine is reworked: every
# scenario's narration, JSON run and final projection, and a generated 100,000-event log's
# projection at its end and at noon, its explanation of one contact and its verify line.
# Usage: tools/outputs.sh [SYNCSIM]   (compare with Tests/Golden/outputs.txt: diff <(tools/outputs.sh) Tests/Golden/outputs.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-$(swift build --show-bin-path)/syncsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
h() { sed "s#$tmp#TMP#g" | sha256sum | cut -c1-16; }
for f in Scenarios/*.yaml; do
  name=$(basename "$f" .yaml)
  echo "$name narration $("$bin" run "$f" --db "$tmp/$name.db" | h)"
  echo "$name run-json $("$bin" run "$f" --json | h)"
  echo "$name show-json $("$bin" show "$tmp/$name.db" --json | h)"
done
"$bin" generate --events 100000 --seed 1 -o "$tmp/day.jsonl"
"$bin" import "$tmp/day.jsonl" --db "$tmp/day.db" >/dev/null
echo "day show-json $("$bin" show "$tmp/day.db" --json | h)"
echo "day show-noon $("$bin" show "$tmp/day.db" --at 12h --json | h)"
echo "day explain $("$bin" explain "$tmp/day.db" --contact c1 | h)"
echo "day verify $("$bin" verify "$tmp/day.db" | h)"
