#!/usr/bin/env bash
# Replicated mode against a single node, in the same run, on loopback (issue 9):
#   1. one `rill serve` (single node): saturation, then an open-loop $RATE events/s;
#   2. three `rill serve` members of one cluster (docs/scale-out.md) on this machine: the same two
#      loads against the leader's gateway.
# Every JVM gets the same heap; every load is bounded in time. Results (the LoadGenerator's .txt,
# .hgrm and .json, the servers' logs, summary.md) go to perf/results/<UTC time>-cluster/.
# Needs `mvn -B -q -DskipTests package` first (perf/target/benchmarks.jar, ops/target/rill.jar).
# Knobs: RATE, SAT_SECONDS, RATE_SECONDS, WARMUP_SECONDS, PACING, CONNECTIONS, PORT_BASE, JAVA.
# The three members share the machine's cores with the load generator: on 2 cores the replicated
# figures include three JVMs' worth of agents; in production each member has its own machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAVA="${JAVA:-java}"
RATE="${RATE:-100000}"
SAT_SECONDS="${SAT_SECONDS:-7}"
RATE_SECONDS="${RATE_SECONDS:-10}"
WARMUP_SECONDS="${WARMUP_SECONDS:-5}"
PACING="${PACING:-park}"
CONNECTIONS="${CONNECTIONS:-1}"
PORT_BASE="${PORT_BASE:-7410}"
UDP_BASE="${UDP_BASE:-26000}"
BENCH="$ROOT/perf/target/benchmarks.jar"
RILL="$ROOT/ops/target/rill.jar"
for jar in "$BENCH" "$RILL"; do
  [[ -f "$jar" ]] || { echo "run-cluster: $jar is missing; run 'mvn -B -q -DskipTests package' from $ROOT first" >&2; exit 2; }
done
cd "$ROOT"
SCRIPT="run-cluster"
source "$ROOT/perf/lib.sh"
OUT="$ROOT/perf/results/$(date -u +%Y%m%dT%H%M%SZ)-cluster"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/rill-cluster-XXXXXX)"
PIDS=()
stop_all() {
  stop_server
  for pid in "${PIDS[@]:-}"; do [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:-}"; do [[ -n "$pid" ]] && { for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; kill -9 "$pid" 2>/dev/null || true; }; done
  PIDS=()
  rm -rf "$WORK"
}
trap stop_all EXIT INT TERM

load() { # label port mode
  local label="$1" port="$2" mode="$3" seconds="$RATE_SECONDS"
  [[ "$mode" == saturate ]] && seconds="$SAT_SECONDS"
  local pacing=(); [[ "$mode" == rate ]] && pacing=(--pacing "$PACING")
  echo "run-cluster: $label"
  timeout $((WARMUP_SECONDS + seconds + 60)) "$JAVA" "${FLAGS[@]}" "${HEAP[@]}" -cp "$BENCH" dev.rill.perf.LoadGenerator \
    --host 127.0.0.1 --port "$port" --mode "$mode" --rate "$RATE" --connections "$CONNECTIONS" --warmup-seconds "$WARMUP_SECONDS" \
    --seconds "$seconds" --label "$label" --out "$OUT/$label.txt" "${pacing[@]}" > /dev/null
  sed -n 1,3p "$OUT/$label.txt"
}

# 1. Single node.
DATA_DIR="$WORK/single"
"$JAVA" "${HEAP[@]}" -jar "$RILL" serve --port "$PORT_BASE" --data-dir "$DATA_DIR" --stats-interval 0 > "$OUT/single-server.log" 2>&1 &
SERVER_PID=$!
await_line "$OUT/single-server.log" "serving on"
load single-saturate "$PORT_BASE" saturate
load single-rate "$PORT_BASE" rate
stop_server

# 2. Three members.
members=""
for m in 0 1 2; do
  members+="    - { id: $m, host: 127.0.0.1, portBase: $((UDP_BASE + m * 10)), gateway: \"127.0.0.1:$((PORT_BASE + 1 + m))\" }"$'\n'
done
for m in 0 1 2; do
  cat > "$WORK/member-$m.yaml" <<YAML
dataDir: $WORK/member-$m
gateway:
  port: $((PORT_BASE + 1 + m))
admin:
  port: $((PORT_BASE + 11 + m))
cluster:
  memberId: $m
  aeronDir: /dev/shm/rill-perf-aeron-$m
  members:
$members
YAML
  "$JAVA" "${HEAP[@]}" -jar "$RILL" serve --config "$WORK/member-$m.yaml" --stats-interval 0 > "$OUT/member-$m.log" 2>&1 &
  PIDS+=($!)
done
for m in 0 1 2; do
  for _ in $(seq 1 600); do grep -q "serving on" "$OUT/member-$m.log" 2>/dev/null && break; sleep 0.1; done
  grep -q "serving on" "$OUT/member-$m.log" || { echo "run-cluster: member $m did not start; see $OUT/member-$m.log" >&2; exit 1; }
done
admins="127.0.0.1:$((PORT_BASE + 11)),127.0.0.1:$((PORT_BASE + 12)),127.0.0.1:$((PORT_BASE + 13))"
leader=""
for _ in $(seq 1 100); do
  leader="$("$JAVA" "${FLAGS[@]}" -jar "$RILL" cluster status --members "$admins" 2>/dev/null | awk '$2 == "LEADER" {print $1}')" || true
  [[ -n "$leader" ]] && break
  sleep 0.2
done
[[ -n "$leader" ]] || { echo "run-cluster: no leader elected; see $OUT/member-*.log" >&2; exit 1; }
echo "run-cluster: member $leader leads"
load cluster-saturate "$((PORT_BASE + 1 + leader))" saturate
load cluster-rate "$((PORT_BASE + 1 + leader))" rate
"$JAVA" "${FLAGS[@]}" -jar "$RILL" cluster status --members "$admins" > "$OUT/cluster-status.txt" || true
cat "$OUT/cluster-status.txt"

{
  echo "# Replicated (3 members, one machine) beside a single node, same run"
  echo
  for f in single-saturate single-rate cluster-saturate cluster-rate; do
    echo "## $f"; echo; echo '```'; sed -n 1,12p "$OUT/$f.txt"; echo '```'; echo
  done
} > "$OUT/summary.md"
echo "run-cluster: results in $OUT"
