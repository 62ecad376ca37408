#!/usr/bin/env bash
# Request-reply against plain acknowledgement: the same server, the same fixed rate, back to back.
#
#   mvn -B -q -DskipTests package      # from the repository root, once
#   perf/run-reply.sh                  # about 4 minutes; result in perf/results/<UTC timestamp>-reply-vs-ack.txt
#
# One `rill serve` (fresh data dir under $RILL_DATA_PARENT, default /tmp), then $ROUNDS rounds of three open-loop
# LoadGenerator runs against it at $RATE events/s, each $WARMUP_SECONDS s of warm-up then $MEASURE_SECONDS s measured,
# a new producer id per run. Rounds interleave the three kinds, so noise from other work on the box falls on each alike:
#   ack        plain events; latency = Ack arrival - intended send time
#   reply      every event with option REPLY; latency = Reply arrival - intended send time (and, on a second line,
#              the Ack latency of the same events in the same run)
#   reply-only every event with option REPLY_ONLY (Result journaled, not streamed); latency as for reply
# Environment: RATE (20000), MEASURE_SECONDS (20), WARMUP_SECONDS (5), ROUNDS (3), RILL_PORT (7397),
# RILL_DATA_PARENT (/tmp), PACING (park), JAVA (java).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAVA="${JAVA:-java}"
RATE="${RATE:-20000}"
SECONDS_MEASURED="${MEASURE_SECONDS:-20}"
ROUNDS="${ROUNDS:-3}"
WARMUP_SECONDS="${WARMUP_SECONDS:-5}"
RILL_PORT="${RILL_PORT:-7397}"
RILL_DATA_PARENT="${RILL_DATA_PARENT:-/tmp}"
PACING="${PACING:-park}"
BENCH="$ROOT/perf/target/benchmarks.jar"
RILL="$ROOT/ops/target/rill.jar"
for jar in "$BENCH" "$RILL"; do
  [[ -f "$jar" ]] || { echo "run-reply: $jar is missing; run 'mvn -B -q -DskipTests package' from $ROOT first" >&2; exit 2; }
done

SCRIPT="run-reply"
# FLAGS, HEAP, SERVER_PID, DATA_DIR, stop_server, await_line
source "$ROOT/perf/lib.sh"

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/perf/results/$STAMP-reply-vs-ack"
REPORT="$ROOT/perf/results/$STAMP-reply-vs-ack.txt"
mkdir -p "$OUT"
DATA_DIR="$(mktemp -d "$RILL_DATA_PARENT/rill-reply-XXXXXX")"
trap stop_server EXIT INT TERM

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" "${HEAP[@]}" -jar "$RILL" serve --port "$RILL_PORT" --data-dir "$DATA_DIR" --stats-interval 0 > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
await_line "$OUT/server.log" "serving on"

run() { # label producer-id reply-mode
  echo "run-reply: $1"
  timeout $((WARMUP_SECONDS + SECONDS_MEASURED + 60)) "$JAVA" "${FLAGS[@]}" "${HEAP[@]}" -cp "$BENCH" dev.rill.perf.LoadGenerator \
    --host 127.0.0.1 --port "$RILL_PORT" --mode rate --rate "$RATE" --warmup-seconds "$WARMUP_SECONDS" \
    --seconds "$SECONDS_MEASURED" --pacing "$PACING" --producer-id "$2" --reply "$3" --label "$1" --out "$OUT/$1.txt" > /dev/null
  grep -v '^{' "$OUT/$1.txt"
}
LABELS=()
for round in $(seq 1 "$ROUNDS"); do
  run "ack-$round" $((round * 10 + 1)) none
  run "reply-$round" $((round * 10 + 2)) reply
  run "reply-only-$round" $((round * 10 + 3)) reply-only
  LABELS+=("ack-$round" "reply-$round" "reply-only-$round")
done

row() { # label: one table row from the run's JSON line
  grep '^{' "$OUT/$1.txt" | sed -E 's/.*"reply":"([^"]*)".*"count":([0-9]+),"p50Us":([0-9.]+),"p90Us":([0-9.]+),"p99Us":([0-9.]+),"p999Us":([0-9.]+),"p9999Us":[0-9.]+,"maxUs":([0-9.]+).*/\1 \2 \3 \4 \5 \6 \7/' \
    | while read -r r n p50 p90 p99 p999 max; do
        what="ack - intended send"; [[ "$r" != none ]] && what="reply - intended send"
        printf '%-14s %-24s %10s %10s %10s %10s %10s %8s\n' "$1" "$what" "$p50" "$p90" "$p99" "$p999" "$max" "$n"
      done
}
{
  echo "# Request-reply against plain ack: one rill serve, $RATE events/s open loop, ${SECONDS_MEASURED}s measured after ${WARMUP_SECONDS}s warm-up per run, $ROUNDS interleaved rounds"
  echo "# $(uname -srm), $(nproc) cores, load average before: $LOAD_BEFORE, $("$JAVA" -version 2>&1 | head -1)"
  echo "# command: RATE=$RATE MEASURE_SECONDS=$SECONDS_MEASURED WARMUP_SECONDS=$WARMUP_SECONDS ROUNDS=$ROUNDS PACING=$PACING perf/run-reply.sh"
  echo
  printf '%-14s %-24s %10s %10s %10s %10s %10s %8s\n' run latency "p50 us" "p90 us" "p99 us" "p99.9 us" "max us" n
  for label in "${LABELS[@]}"; do row "$label"; done
  echo
  for label in "${LABELS[@]}"; do cat "$OUT/$label.txt"; done
} > "$REPORT"
sed -n "1,$((ROUNDS * 3 + 5))p" "$REPORT"
echo "run-reply: $REPORT"
