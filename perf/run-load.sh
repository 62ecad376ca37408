#!/usr/bin/env bash
# Rill load and baseline run: one command, about 5 minutes, results in perf/results/<UTC timestamp>/.
#
#   mvn -B -q -DskipTests package      # from the repository root, once
#   perf/run-load.sh                   # from anywhere; runs from the repository root
#
# What it does, in order, every load bounded in time, every server bound to 127.0.0.1 and
# stopped on exit (trap):
#   1. NettyEchoServer (raw Netty framed ingest, same framing, no journal, no scoring)
#      + LoadGenerator: saturate, then an open-loop 100k events/s.
#   2. rill serve (journal + scoring + publish) in a fresh data dir under $RILL_DATA_PARENT (default
#      /tmp, a disk) + the same two loads; the rate run also subscribes to the Results (--subscribe:
#      producer -> subscriber latency beside producer -> ack; off with RILL_RATE_SUBSCRIBE=0).
#   3. FsyncProbe: the raw cost of forcing 4 KiB (fdatasync, msync) in $RILL_DATA_PARENT
#      (skip: RILL_SKIP_FSYNC=1).
#   4. rill serve with durability.mode: sync (a config file written here) + the same two loads:
#      page-cache against sync, beside the raw force cost of step 3 (skip: RILL_SKIP_SYNC=1).
#   5. rill serve again with its data dir on tmpfs (/dev/shm): the same 100k/s load, to show what
#      disk writeback of the memory-mapped journal costs in the tail (skip: RILL_SKIP_TMPFS=1).
#   6. SwapProbe: a server inside the probe's JVM under $SWAP_RATE events/s, a hot model swap every 2 s, 10 times:
#      swap time and the ack latency of windows with a swap against windows without; ~35 s
#      (skip: RILL_SKIP_SWAP=1).
#   7. Short JMH runs: Chronicle append alone, ONNX run alone, and the in-process pipeline.
#   8. RecoveryProbe: a crashed data dir of $RECOVERY_EVENTS events, then `rill serve` started on it
#      with a checkpoint 1 s before the end and with none; about a minute, 2.3 GiB written to
#      $RILL_DATA_PARENT and deleted (skip: RILL_SKIP_RECOVERY=1).
#   9. summary.md: the table of goals against baselines; plot.html: the percentile plot of the echo
#      and Rill rate runs (ack, and subscriber latency when measured), one self-contained page.
# Environment: RATE (100000), SAT_SECONDS (7), RATE_SECONDS (10), WARMUP_SECONDS (5),
# ECHO_PORT (7399), RILL_PORT (7398), RILL_DATA_PARENT (/tmp), PACING (park), JAVA (java),
# FSYNC_ITERATIONS (2000), SWAP_RATE (50000), RECOVERY_EVENTS (10000000), RECOVERY_RUNS (3),
# RILL_RATE_SUBSCRIBE (1), CONNECTIONS (1: producer connections of every load), RILL_SKIP_SEARCH (0),
# SEARCH_START_RATE (50000), SEARCH_SLO_MICROS (1000), SEARCH_STEP_SECONDS (3): the saturation search
# (LoadGenerator --mode search) after the echo's and Rill's fixed-rate runs: the highest open-loop
# rate whose p99 met the SLO with acks keeping up.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAVA="${JAVA:-java}"
RATE="${RATE:-100000}"
SAT_SECONDS="${SAT_SECONDS:-7}"
RATE_SECONDS="${RATE_SECONDS:-10}"
WARMUP_SECONDS="${WARMUP_SECONDS:-5}"
ECHO_PORT="${ECHO_PORT:-7399}"
RILL_PORT="${RILL_PORT:-7398}"
RILL_DATA_PARENT="${RILL_DATA_PARENT:-/tmp}"
# Open-loop pacing of the rate runs. At 100k/s every gap is 10 µs, so "yield when near" yields
# all the time and takes a core from a 2-core server; "park" sends in short bursts instead.
# Measured both (perf/README.md): park gave the lower p99 for the echo and for Rill.
PACING="${PACING:-park}"
FSYNC_ITERATIONS="${FSYNC_ITERATIONS:-2000}"
SWAP_RATE="${SWAP_RATE:-50000}"
CONNECTIONS="${CONNECTIONS:-1}"
RILL_SKIP_SEARCH="${RILL_SKIP_SEARCH:-0}"
SEARCH_START_RATE="${SEARCH_START_RATE:-50000}"
SEARCH_SLO_MICROS="${SEARCH_SLO_MICROS:-1000}"
SEARCH_STEP_SECONDS="${SEARCH_STEP_SECONDS:-3}"
RECOVERY_EVENTS="${RECOVERY_EVENTS:-10000000}"
RECOVERY_RUNS="${RECOVERY_RUNS:-3}"
RILL_RATE_SUBSCRIBE="${RILL_RATE_SUBSCRIBE:-1}"
BENCH="$ROOT/perf/target/benchmarks.jar"
RILL="$ROOT/ops/target/rill.jar"
for jar in "$BENCH" "$RILL"; do
  [[ -f "$jar" ]] || { echo "run-load: $jar is missing; run 'mvn -B -q -DskipTests package' from $ROOT first" >&2; exit 2; }
done

SCRIPT="run-load"
# FLAGS, HEAP, SERVER_PID, DATA_DIR, stop_server, await_line
source "$ROOT/perf/lib.sh"

OUT="$ROOT/perf/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

trap stop_server EXIT INT TERM

load() { # label port mode [extra args]: one bounded load run
  local label="$1" port="$2" mode="$3"; shift 3
  local seconds="$RATE_SECONDS" limit=$((WARMUP_SECONDS + RATE_SECONDS + 60)); [[ "$mode" == saturate ]] && seconds="$SAT_SECONDS"
  local pacing=(); [[ "$mode" == rate || "$mode" == search ]] && pacing=(--pacing "$PACING")
  local rate="$RATE"
  if [[ "$mode" == search ]]; then # rising open-loop steps until p99 > SEARCH_SLO_MICROS or acks fall behind
    rate="$SEARCH_START_RATE"; limit=600
    pacing+=(--slo-p99-micros "$SEARCH_SLO_MICROS" --step-seconds "$SEARCH_STEP_SECONDS")
  fi
  echo "run-load: $label"
  timeout "$limit" "$JAVA" "${FLAGS[@]}" "${HEAP[@]}" -cp "$BENCH" dev.rill.perf.LoadGenerator \
    --host 127.0.0.1 --port "$port" --mode "$mode" --rate "$rate" --connections "$CONNECTIONS" --warmup-seconds "$WARMUP_SECONDS" --seconds "$seconds" \
    --label "$label" --out "$OUT/$label.txt" "${pacing[@]}" "$@" > /dev/null
  sed -n 1,3p "$OUT/$label.txt"
}

# 1. Raw Netty framed ingest.
"$JAVA" "${FLAGS[@]}" "${HEAP[@]}" -cp "$BENCH" dev.rill.perf.NettyEchoServer --host 127.0.0.1 --port "$ECHO_PORT" \
  > "$OUT/echo-server.log" 2>&1 &
SERVER_PID=$!
await_line "$OUT/echo-server.log" "listening on"
load echo-saturate "$ECHO_PORT" saturate
load echo-rate "$ECHO_PORT" rate
if [[ "$RILL_SKIP_SEARCH" != 1 ]]; then load echo-search "$ECHO_PORT" search; fi
stop_server

# 2. rill serve: gateway, journal "in", scoring, journal "out", acks.
rill_run() { # label-prefix data-parent config-file-or-"" loads...
  local prefix="$1" parent="$2" config="$3"; shift 3
  local config_args=(); [[ -n "$config" ]] && config_args=(--config "$config")
  DATA_DIR="$(mktemp -d "$parent/rill-load-XXXXXX")"
  "$JAVA" "${HEAP[@]}" -jar "$RILL" serve "${config_args[@]}" --port "$RILL_PORT" --data-dir "$DATA_DIR" --stats-interval 0 \
    > "$OUT/$prefix-server.log" 2>&1 &
  SERVER_PID=$!
  await_line "$OUT/$prefix-server.log" "serving on"
  for mode in "$@"; do
    local extra=()
    [[ "$prefix-$mode" == rill-rate && "$RILL_RATE_SUBSCRIBE" == 1 ]] && extra=(--subscribe)
    load "$prefix-$mode" "$RILL_PORT" "$mode" "${extra[@]}"
  done
  du -sh "$DATA_DIR" | awk '{print "journal bytes written: " $1}' > "$OUT/$prefix-journal-size.txt"
  stop_server
}
if [[ "$RILL_SKIP_SEARCH" != 1 ]]; then
  rill_run rill "$RILL_DATA_PARENT" "" saturate rate search
else
  rill_run rill "$RILL_DATA_PARENT" "" saturate rate
fi

# 3. The raw cost of forcing data to disk where the journals live (what sync mode waits for).
if [[ "${RILL_SKIP_FSYNC:-0}" != 1 ]]; then
  echo "run-load: FsyncProbe in $RILL_DATA_PARENT"
  timeout 600 "$JAVA" "${FLAGS[@]}" -cp "$BENCH" dev.rill.perf.FsyncProbe --dir "$RILL_DATA_PARENT" \
    --iterations "$FSYNC_ITERATIONS" --out "$OUT/fsync.txt" | grep -v '^{' \
    || echo "run-load: FsyncProbe failed; continuing without it" >&2
fi

# 4. rill serve with durability.mode: sync: every batch's acks wait for an msync of journal "in".
if [[ "${RILL_SKIP_SYNC:-0}" != 1 ]]; then
  cat > "$OUT/rill-sync.yaml" <<'YAML'
# rill serve --config for perf/run-load.sh: acknowledge only what is forced to disk.
durability:
  mode: sync
YAML
  rill_run rill-sync "$RILL_DATA_PARENT" "$OUT/rill-sync.yaml" saturate rate
fi

# 5. The same server with its journals on tmpfs: the tail without disk writeback.
if [[ "${RILL_SKIP_TMPFS:-0}" != 1 && -d /dev/shm ]]; then
  rill_run rill-tmpfs /dev/shm "" rate
fi

# 6. Hot model swaps under load: its own server (in the probe's JVM) and registry under $RILL_DATA_PARENT.
if [[ "${RILL_SKIP_SWAP:-0}" != 1 ]]; then
  echo "run-load: SwapProbe at $SWAP_RATE events/s"
  timeout 300 "$JAVA" "${FLAGS[@]}" "${HEAP[@]}" -cp "$BENCH" dev.rill.perf.SwapProbe --dir "$RILL_DATA_PARENT" \
    --rate "$SWAP_RATE" --pacing "$PACING" --out "$OUT/swap.txt" 2> "$OUT/swap-server.log" \
    | grep -E '^  p50|with a swap|without a swap' || echo "run-load: SwapProbe failed; see $OUT/swap-server.log" >&2
fi

# 7. Raw part costs on this box, short runs.
jmh() { # name regex [jmh args]
  local name="$1" regex="$2"; shift 2
  echo "run-load: JMH $name"
  timeout 300 "$JAVA" -jar "$BENCH" "$regex" -wi 2 -i 3 -f 1 -w 1s -r 1s -rf csv -rff "$OUT/jmh-$name.csv" "$@" \
    > "$OUT/jmh-$name.txt" 2>&1
  grep -A20 '^Benchmark' "$OUT/jmh-$name.txt" || true
}
# The raw parts in the same run; the whole suite with every parameter is the gate's (perf/gate.sh).
jmh chronicle-append 'ChronicleAppendBenchmark' -p durability=page-cache -p record=event
jmh onnx-run 'OnnxRunBenchmark' -p batch=1,128,256
jmh pipeline 'PipelineBenchmark' -p waitStrategy=PARKING -prof gc

# 8. Start after a crash: a journal of $RECOVERY_EVENTS events, rill serve in a fresh JVM each start.
if [[ "${RILL_SKIP_RECOVERY:-0}" != 1 ]]; then
  echo "run-load: RecoveryProbe, $RECOVERY_EVENTS events in $RILL_DATA_PARENT"
  timeout 1200 "$JAVA" "${FLAGS[@]}" -Xmx2g -cp "$BENCH" dev.rill.perf.RecoveryProbe --dir "$RILL_DATA_PARENT" \
    --events "$RECOVERY_EVENTS" --runs "$RECOVERY_RUNS" --rill-jar "$RILL" --out "$OUT/recovery.txt" \
    | grep -E 'median|size on disk' || echo "run-load: RecoveryProbe failed; see $OUT/recovery-*.log" >&2
fi

# 9. Summary table and the percentile plot of the rate runs.
"$JAVA" -cp "$BENCH" dev.rill.perf.LoadSummary "$OUT"
plots=()
[[ -f "$OUT/echo-rate.hgrm" ]] && plots+=("echo ack=$OUT/echo-rate.hgrm")
[[ -f "$OUT/rill-rate.hgrm" ]] && plots+=("rill ack=$OUT/rill-rate.hgrm")
[[ -f "$OUT/rill-rate-subscriber.hgrm" ]] && plots+=("rill subscriber=$OUT/rill-rate-subscriber.hgrm")
if (( ${#plots[@]} > 0 )); then
  "$JAVA" -cp "$BENCH" dev.rill.perf.PercentilePlot --out "$OUT/plot.html" \
    --title "Latency from intended send at $RATE events/s offered (echo vs Rill)" "${plots[@]}" \
    || echo "run-load: PercentilePlot failed; continuing without plot.html" >&2
fi
echo "run-load: results in $OUT"
