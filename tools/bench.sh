#!/usr/bin/env bash
# Benchmarks SyncSim in release mode at about 10 thousand, 100 thousand and 1 million events:
# import (median of 3, taking turns with raw SQLite), full replay (median of 5), show --at latency (24 instants: median, p90, max;
# and the slowest of the instants just before the last six checkpoints, where the most events are replayed), diff
# and show of the whole projection (time and peak memory), log size and peak memory, each beside raw SQLite's
# insert and read rates on the same rows; then the same days with a capacity, a mass update and the sync filter
# beside them; the whole-timeline diff, stats, explain and show --why, and a sweep with one and two jobs. Usage: tools/bench.sh [SIZES...]  (default: 10000 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
# Statically linked, as the README builds it for speed.
swift build -c release --static-swift-stdlib --product syncsim >/dev/null
swift build -c release --static-swift-stdlib --product syncsim-bench >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '| events | import ev/s | raw insert rows/s | import / raw | replay ev/s | raw read rows/s | replay / raw | show --at (median, p90, max) | show --at before a checkpoint (max) | diff (s / peak MB) | show, whole projection (s / peak MB) | log MB | import peak MB | replay peak MB |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for n in "${sizes[@]}"; do
  "$bin/syncsim" generate --events "$n" --seed 1 -o "$work/a.jsonl"
  "$bin/syncsim" generate --events "$n" --seed 2 -o "$work/b.jsonl"
  rm -f "$work/a.db" "$work/b.db"
  "$bin/syncsim" import "$work/b.jsonl" --db "$work/b.db" >/dev/null
  # Import and raw SQLite take turns, three times each, so that both meet the machine in the
  # same moods; each figure is the median of its three, the ratio is theirs.
  imports=(); inserts=(); reads=()
  for round in 1 2 3; do
    rm -f "$work/a.db" "$work/a.db-wal" "$work/a.db-shm"
    t=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/import.mem" "$bin/syncsim" import "$work/a.jsonl" --db "$work/a.db" >/dev/null
    import_ms=$(ms "$t")
    imports+=("$(( n * 1000 / (import_ms > 0 ? import_ms : 1) ))")
    raw=$("$bin/syncsim-bench" raw "$work/a.db")
    inserts+=("$(awk '/raw_insert_rows_per_s/ {print $2}' <<<"$raw")")
    reads+=("$(awk '/raw_read_rows_per_s/ {print $2}' <<<"$raw")")
  done
  median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
  import_rate=$(median3 "${imports[@]}")
  raw_insert=$(median3 "${inserts[@]}")
  raw_read=$(median3 "${reads[@]}")
  # Replay: the median of five runs.
  rates=()
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%M" -o "$work/replay.mem" "$bin/syncsim-bench" replay "$work/a.db" > "$work/replay.out"
    rates+=("$(awk '/replay_events_per_s/ {print $2}' "$work/replay.out")")
  done
  replay_rate=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 3p)
  # show --at one contact at an instant in every hour of the simulated day (whole process, wall clock).
  span=$(tail -n 1 "$work/a.jsonl" | sed 's/.*"at":\([0-9]*\).*/\1/')
  lats=()
  for h in $(seq 1 24); do
    at=$(( span * h / 25 ))
    t=$(date +%s%N)
    "$bin/syncsim" show "$work/a.db" --at "$at" --contact c1 --json >/dev/null
    lats+=("$(ms "$t")")
  done
  latency=$(printf '%s\n' "${lats[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%d / %d / %d ms", (a[12]+a[13])/2, a[22], a[NR]}')
  # The worst instants for `show --at`: a second before each of the last six checkpoints, where
  # the most events are replayed after the checkpoint before, at the largest projections.
  worst="-"
  for at in $(sqlite3 "$work/a.db" "SELECT at - 1 FROM checkpoints WHERE at > 0 ORDER BY seq DESC LIMIT 6"); do
    t=$(date +%s%N)
    "$bin/syncsim" show "$work/a.db" --at "$at" --contact c1 --json >/dev/null
    l=$(ms "$t")
    if [ "$worst" = "-" ] || [ "$l" -gt "$worst" ]; then worst=$l; fi
  done
  [ "$worst" = "-" ] || worst="$worst ms"
  # diff of two unrelated logs (every contact differs), and the whole projection as JSON:
  # seconds and peak MB (the last line of time's output: a diff that finds differences exits 1).
  /usr/bin/time -f "%e %M" -o "$work/diff.tm" "$bin/syncsim" diff "$work/a.db" "$work/b.db" --at "$span" >/dev/null || true
  diff_fig=$(tail -n 1 "$work/diff.tm" | awk '{printf "%.2f s / %d MB", $1, $2 / 1024}')
  /usr/bin/time -f "%e %M" -o "$work/show.tm" "$bin/syncsim" show "$work/a.db" --json >/dev/null
  show_fig=$(tail -n 1 "$work/show.tm" | awk '{printf "%.2f s / %d MB", $1, $2 / 1024}')
  size_mb=$(awk -v b="$(stat -c %s "$work/a.db")" 'BEGIN {printf "%.1f", b / 1048576}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
    "$n" "$import_rate" "$raw_insert" "$(ratio "$import_rate" "$raw_insert")" \
    "$replay_rate" "$raw_read" "$(ratio "$replay_rate" "$raw_read")" \
    "$latency" "$worst" "$diff_fig" "$show_fig" "$size_mb" \
    "$(( $(cat "$work/import.mem") / 1024 ))" "$(( $(cat "$work/replay.mem") / 1024 ))"
done

# Version 2: the same day with a capacity (a fiftieth of the events: about the records of a
# cycle of the first hour's load, so that the cycles after a mass update of every account at
# 12h are full), and the sync filter toggled on a twentieth of the accounts, beside the day
# without them: import and replay taking turns (medians of three), show --at of one contact
# at 24 instants of the version 2 day.
echo
printf '| events | import ev/s (without / with capacity and filter) | ratio | replay ev/s (without / with) | ratio | show --at with (median, p90, max) |\n'
printf '| --- | --- | --- | --- | --- | --- |\n'
for n in "${sizes[@]}"; do
  "$bin/syncsim" generate --events "$n" --seed 1 -o "$work/a.jsonl"
  "$bin/syncsim" generate --events "$n" --seed 1 --capacity "$(( n / 50 > 0 ? n / 50 : 1 ))" \
    --burst 1@12h --filter-share 0.05 -o "$work/c.jsonl"
  ia=(); ic=(); ra=(); rc=()
  for round in 1 2 3; do
    for side in a c; do
      rm -f "$work/$side.db" "$work/$side.db-wal" "$work/$side.db-shm"
      t=$(date +%s%N)
      "$bin/syncsim" import "$work/$side.jsonl" --db "$work/$side.db" >/dev/null
      rate=$(( n * 1000 / ($(ms "$t") > 0 ? $(ms "$t") : 1) ))
      replay=$("$bin/syncsim-bench" replay "$work/$side.db" | awk '/replay_events_per_s/ {print $2}')
      if [ "$side" = a ]; then ia+=("$rate"); ra+=("$replay"); else ic+=("$rate"); rc+=("$replay"); fi
    done
  done
  median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
  span=$(tail -n 1 "$work/c.jsonl" | sed 's/.*"at":\([0-9]*\).*/\1/')
  lats=()
  for h in $(seq 1 24); do
    t=$(date +%s%N)
    "$bin/syncsim" show "$work/c.db" --at "$(( span * h / 25 ))" --contact c1 --json >/dev/null
    lats+=("$(ms "$t")")
  done
  latency=$(printf '%s\n' "${lats[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%d / %d / %d ms", (a[12]+a[13])/2, a[22], a[NR]}')
  printf '| %s | %s / %s | %s | %s / %s | %s | %s |\n' "$n" \
    "$(median3 "${ia[@]}")" "$(median3 "${ic[@]}")" "$(ratio "$(median3 "${ic[@]}")" "$(median3 "${ia[@]}")")" \
    "$(median3 "${ra[@]}")" "$(median3 "${rc[@]}")" "$(ratio "$(median3 "${rc[@]}")" "$(median3 "${ra[@]}")")" "$latency"
done

# Format 5.4 and 5.5: the whole-timeline diff of two unrelated days (median seconds of three
# and the largest peak MB),
# stats of one (seconds and peak MB), and the latencies of explain and show --why of one
# contact or one account (median and slowest over ids of every size), the activity export as
# JSON Lines and as CSV (activities per second and peak MB); then a sweep of 8
# variants of a 100,000-event day with a mass update, with --jobs 1 and --jobs 2 (medians of
# three, taking turns).
echo
printf '| events | diff, whole timelines (s / peak MB) | stats (s / peak MB) | explain (median / max ms) | show --why --contact (median / max ms) | show --why --account (median / max ms) | activities jsonl / csv (per s, peak MB) |\n'
printf '| --- | --- | --- | --- | --- | --- | --- |\n'
for n in "${sizes[@]}"; do
  for seed in 1 2; do
    "$bin/syncsim" generate --events "$n" --seed "$seed" -o "$work/t$seed.jsonl"
    rm -f "$work/t$seed.db"
    "$bin/syncsim" import "$work/t$seed.jsonl" --db "$work/t$seed.db" >/dev/null
  done
  # The whole-timeline diff three times: the median time, the largest peak.
  for round in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/tdiff$round.tm" "$bin/syncsim" diff "$work/t1.db" "$work/t2.db" >/dev/null || true
  done
  for round in 1 2 3; do tail -n 1 "$work/tdiff$round.tm"; done | sort -n \
    | awk '{t[NR] = $1; if ($2 > m) m = $2} END {print t[2], m}' >"$work/tdiff.tm"
  /usr/bin/time -f "%e %M" -o "$work/stats.tm" "$bin/syncsim" stats "$work/t1.db" >/dev/null
  fig() { tail -n 1 "$1" | awk '{printf "%.2f s / %d MB", $1, $2 / 1024}'; }
  exports=()
  for format in jsonl csv; do
    count=$( { /usr/bin/time -f "%e %M" -o "$work/act.tm" "$bin/syncsim" activities "$work/t1.db" --format "$format"; } | wc -l)
    exports+=("$(tail -n 1 "$work/act.tm" | awk -v n="$count" '{printf "%d, %d MB", n / ($1 > 0 ? $1 : 0.01), $2 / 1024}')")
  done
  # One question about a contact or an account, over contacts and accounts of every size: the
  # first ids are the largest accounts (the generator's Zipf ranks) and their contacts.
  latencies() {
    local out=()
    for id in "$@"; do
      t=$(date +%s%N)
      "$bin/syncsim" "${question[@]/ID/$id}" >/dev/null
      out+=("$(ms "$t")")
    done
    printf '%s\n' "${out[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%d / %d", a[int((NR+1)/2)], a[NR]}'
  }
  contacts=(c1 c2 c12 c$((n / 50)) c$((n / 20)) c$((n / 7)) c$((n / 5 - 1)))
  accounts=(a0 a1 a3 a$((n / 500)) a$((n / 100)) a$((n / 50 - 1)))
  question=(explain "$work/t1.db" --contact ID); explain=$(latencies "${contacts[@]}")
  question=(show "$work/t1.db" --why --contact ID); why_contact=$(latencies "${contacts[@]}")
  question=(show "$work/t1.db" --why --account ID); why_account=$(latencies "${accounts[@]}")
  printf '| %s | %s | %s | %s | %s | %s | %s / %s |\n' "$n" "$(fig "$work/tdiff.tm")" "$(fig "$work/stats.tm")" \
    "$explain" "$why_contact" "$why_account" "${exports[0]}" "${exports[1]}"
done
"$bin/syncsim" generate --events 100000 --burst 0.5@12h --no-rules -o "$work/burst.jsonl"
one=(); two=()
for round in 1 2 3; do
  for jobs in 1 2; do
    t=$(date +%s%N)
    "$bin/syncsim" sweep "$work/burst.jsonl" --vary capacity=200,500,2000,unlimited --vary overwrite=all,changed \
      --jobs "$jobs" >/dev/null
    if [ "$jobs" = 1 ]; then one+=("$(ms "$t")"); else two+=("$(ms "$t")"); fi
  done
done
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
echo
echo "sweep of 8 variants, 100000 events: --jobs 1 $(median3 "${one[@]}") ms, --jobs 2 $(median3 "${two[@]}") ms, speed-up $(ratio "$(median3 "${one[@]}")" "$(median3 "${two[@]}")")"
