#!/usr/bin/env bash
# Threading on two cores: Netty loop count x consumer topology x wait strategy, each measured for speed,
# tail latency, CPU per event and idle CPU. About 7 minutes with the defaults; results in
# perf/results/<UTC timestamp>-threading/ (threading.md is the table).
#
#   mvn -B -q -DskipTests package      # from the repository root, once
#   perf/run-threading.sh              # from anywhere; runs from the repository root
#
# For each combination of the matrix, in turn: write <combo>.yaml (gateway.ioThreads, pipeline.threading,
# pipeline.waitStrategy; the fraud model; admin on a free port), start `rill serve` with it in a fresh data dir under
# $RILL_DATA_PARENT (default /tmp), then
#   1. LoadGenerator --mode saturate: $SAT_WARMUP_SECONDS s warm-up, $SAT_SECONDS s measured  -> <combo>-saturate.txt
#   2. LoadGenerator --mode rate at $RATE events/s: $WARMUP_SECONDS s warm-up, $RATE_SECONDS s measured -> <combo>-rate.txt;
#      the server process's CPU time (utime + stime from /proc/PID/stat) is read 1 s into the measured part and at
#      its end (so a load generator start of up to 1 s still leaves the window inside the measured part)
#   3. $SETTLE_SECONDS s after the load, the server's CPU over $IDLE_SECONDS s of no traffic: what its wait strategy,
#      event loops and background threads cost when idle
#   -> <combo>-cpu.txt (one JSON line), <combo>-server.log; then stop the server and delete its data dir.
# Last, ThreadingSummary writes threading.md from those files.
#
# The matrix (knobs): IO_THREADS ("1 2") x THREADINGS ("FUSED DIAMOND") x WAITS
# ("PARKING LITE_BLOCKING BLOCKING PHASED_BACKOFF YIELDING"). The load generator opens CONNECTIONS (4) producer
# connections, so a second event loop has connections to serve; to keep the run short, with ioThreads above 1 only
# the wait strategies in IO2_WAITS ("PARKING") are run; IO2_WAITS="$WAITS" runs the full cross product (20 runs,
# about 12 minutes).
# SLEEPING and BUSY_SPIN are left out: SLEEPING's 100 µs park puts a floor under every wake-up, BUSY_SPIN takes a
# core from a 2-core box (add them to WAITS to see).
# Environment: RATE (100000), SAT_SECONDS (5), SAT_WARMUP_SECONDS (2), RATE_SECONDS (10), WARMUP_SECONDS (5),
# IDLE_SECONDS (5), SETTLE_SECONDS (2), CONNECTIONS (4), RILL_PORT (7396), RILL_DATA_PARENT (/tmp), PACING (park), JAVA (java).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAVA="${JAVA:-java}"
RATE="${RATE:-100000}"
SAT_SECONDS="${SAT_SECONDS:-5}"
SAT_WARMUP_SECONDS="${SAT_WARMUP_SECONDS:-2}"
RATE_SECONDS="${RATE_SECONDS:-10}"
WARMUP_SECONDS="${WARMUP_SECONDS:-5}"
IDLE_SECONDS="${IDLE_SECONDS:-5}"
SETTLE_SECONDS="${SETTLE_SECONDS:-2}"
RILL_PORT="${RILL_PORT:-7396}"
RILL_DATA_PARENT="${RILL_DATA_PARENT:-/tmp}"
PACING="${PACING:-park}"
IO_THREADS="${IO_THREADS:-1 2}"
THREADINGS="${THREADINGS:-FUSED DIAMOND}"
WAITS="${WAITS:-PARKING LITE_BLOCKING BLOCKING PHASED_BACKOFF YIELDING}"
IO2_WAITS="${IO2_WAITS:-PARKING}"
CONNECTIONS="${CONNECTIONS:-4}"
BENCH="$ROOT/perf/target/benchmarks.jar"
RILL="$ROOT/ops/target/rill.jar"
for jar in "$BENCH" "$RILL"; do
  [[ -f "$jar" ]] || { echo "run-threading: $jar is missing; run 'mvn -B -q -DskipTests package' from $ROOT first" >&2; exit 2; }
done
(( RATE_SECONDS >= 2 )) || { echo "run-threading: RATE_SECONDS must be 2 or more (the CPU window starts 1 s in)" >&2; exit 2; }

SCRIPT="run-threading"
# FLAGS, HEAP, SERVER_PID, DATA_DIR, stop_server, await_line
source "$ROOT/perf/lib.sh"

OUT="$ROOT/perf/results/$(date -u +%Y%m%dT%H%M%SZ)-threading"
mkdir -p "$OUT"
trap stop_server EXIT INT TERM
TICKS="$(getconf CLK_TCK)"

cpu_ticks() { # pid: utime + stime of the whole process, in clock ticks (fields 14 and 15, counted after the ")")
  sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}
now() { date +%s.%N; }

load() { # combo mode warmup seconds: one bounded LoadGenerator run against the server
  local combo="$1" mode="$2" warmup="$3" seconds="$4"
  local pacing=(); [[ "$mode" == rate ]] && pacing=(--pacing "$PACING")
  timeout $((warmup + seconds + 60)) "$JAVA" "${FLAGS[@]}" "${HEAP[@]}" -cp "$BENCH" dev.rill.perf.LoadGenerator \
    --host 127.0.0.1 --port "$RILL_PORT" --mode "$mode" --rate "$RATE" --connections "$CONNECTIONS" --warmup-seconds "$warmup" --seconds "$seconds" \
    --label "$combo-$mode" --out "$OUT/$combo-$mode.txt" "${pacing[@]}" > /dev/null
}

run_combo() { # io-threads threading wait-strategy
  local io="$1" threading="$2" wait="$3"
  local combo; combo="io$io-$(tr 'A-Z_' 'a-z-' <<< "$threading-$wait")"
  echo "run-threading: $combo"
  cat > "$OUT/$combo.yaml" <<YAML
# rill serve --config for perf/run-threading.sh, combination $combo.
gateway:
  ioThreads: $io
pipeline:
  threading: $threading
  waitStrategy: $wait
model:
  directory: $ROOT/models/fraud/1
admin:
  port: 0
YAML
  DATA_DIR="$(mktemp -d "$RILL_DATA_PARENT/rill-threading-XXXXXX")"
  "$JAVA" "${HEAP[@]}" -jar "$RILL" serve --config "$OUT/$combo.yaml" --port "$RILL_PORT" --data-dir "$DATA_DIR" \
    --stats-interval 0 > "$OUT/$combo-server.log" 2>&1 &
  SERVER_PID=$!
  await_line "$OUT/$combo-server.log" "serving on"
  local load_before; load_before="$(cut -d' ' -f1 /proc/loadavg)"

  load "$combo" saturate "$SAT_WARMUP_SECONDS" "$SAT_SECONDS"

  load "$combo" rate "$WARMUP_SECONDS" "$RATE_SECONDS" &
  local gen=$!
  sleep $((WARMUP_SECONDS + 1))
  local c0 t0 c1 t1; c0="$(cpu_ticks "$SERVER_PID")"; t0="$(now)"
  sleep $((RATE_SECONDS - 1))
  c1="$(cpu_ticks "$SERVER_PID")"; t1="$(now)"
  wait "$gen"

  sleep "$SETTLE_SECONDS"
  local i0 u0 i1 u1; i0="$(cpu_ticks "$SERVER_PID")"; u0="$(now)"
  sleep "$IDLE_SECONDS"
  i1="$(cpu_ticks "$SERVER_PID")"; u1="$(now)"

  awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v i0="$i0" -v i1="$i1" -v u0="$u0" -v u1="$u1" -v hz="$TICKS" \
    -v io="$io" -v th="$threading" -v w="$wait" -v lb="$load_before" -v la="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
      printf "{\"ioThreads\":%d,\"threading\":\"%s\",\"waitStrategy\":\"%s\",\"rateCpuSeconds\":%.2f,\"rateWallSeconds\":%.3f,", io, th, w, (c1 - c0) / hz, t1 - t0
      printf "\"idleCpuSeconds\":%.2f,\"idleWallSeconds\":%.3f,\"loadBefore\":%s,\"loadAfter\":%s}\n", (i1 - i0) / hz, u1 - u0, lb, la
    }' > "$OUT/$combo-cpu.txt"
  echo "$combo" >> "$OUT/combos.txt"
  stop_server
}

{
  echo "# perf/run-threading.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# $(uname -srm), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg), $("$JAVA" -version 2>&1 | head -1)"
  echo "# command: RATE=$RATE SAT_SECONDS=$SAT_SECONDS SAT_WARMUP_SECONDS=$SAT_WARMUP_SECONDS RATE_SECONDS=$RATE_SECONDS" \
    "WARMUP_SECONDS=$WARMUP_SECONDS IDLE_SECONDS=$IDLE_SECONDS SETTLE_SECONDS=$SETTLE_SECONDS PACING=$PACING" \
    "IO_THREADS='$IO_THREADS' THREADINGS='$THREADINGS' WAITS='$WAITS' IO2_WAITS='$IO2_WAITS' perf/run-threading.sh"
} > "$OUT/run.txt"

for io in $IO_THREADS; do
  for threading in $THREADINGS; do
    for wait in $WAITS; do
      if (( io > 1 )) && [[ " $IO2_WAITS " != *" $wait "* ]]; then continue; fi
      run_combo "$io" "$threading" "$wait"
    done
  done
done

"$JAVA" -cp "$BENCH" dev.rill.perf.ThreadingSummary "$OUT"
echo "run-threading: results in $OUT"
