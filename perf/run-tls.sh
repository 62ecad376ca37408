#!/usr/bin/env bash
# TLS against plaintext: the same load on the same build, back to back. About 2 minutes.
#
#   mvn -B -q -DskipTests package      # from the repository root, once
#   perf/run-tls.sh                    # results in perf/results/<UTC timestamp>-tls-vs-plain.txt (+ a directory of raw reports)
#
# For each variant, a fresh `rill serve` (run from perf/target/benchmarks.jar, so one jar serves the
# server and the client of every variant) and the load generator:
#   1. plain TCP
#   2. TLS with the JDK provider (gateway.tls.provider: JDK)
#   3. TLS with the OpenSSL provider (BoringSSL, netty-tcnative-boringssl-static; what AUTO, the default, picks
#      on linux-x86_64; skip: RILL_SKIP_OPENSSL=1)
# each with a saturation run (the window always full: acknowledged events/s) and an open-loop run
# at $RATE events/s (ack latency percentiles, coordinated-omission corrected). The client uses
# the same provider as the server. Certificates: `rill certs dev` into a temporary directory.
# Every server is bound to 127.0.0.1 and stopped on exit (trap).
# Environment: RATE (50000), SAT_SECONDS (7), RATE_SECONDS (10), WARMUP_SECONDS (5), RILL_PORT (7383),
# RILL_DATA_PARENT (/tmp), PACING (park), JAVA (java).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAVA="${JAVA:-java}"
RATE="${RATE:-50000}"
SAT_SECONDS="${SAT_SECONDS:-7}"
RATE_SECONDS="${RATE_SECONDS:-10}"
WARMUP_SECONDS="${WARMUP_SECONDS:-5}"
RILL_PORT="${RILL_PORT:-7383}"
RILL_DATA_PARENT="${RILL_DATA_PARENT:-/tmp}"
PACING="${PACING:-park}"
BENCH="$ROOT/perf/target/benchmarks.jar"
[[ -f "$BENCH" ]] || { echo "run-tls: $BENCH is missing; run 'mvn -B -q -DskipTests package' from $ROOT first" >&2; exit 2; }

SCRIPT="run-tls"
# FLAGS, HEAP, SERVER_PID, DATA_DIR, stop_server, await_line
source "$ROOT/perf/lib.sh"

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/perf/results/$STAMP-tls"
REPORT="$ROOT/perf/results/$STAMP-tls-vs-plain.txt"
mkdir -p "$OUT"
# The dev certificate and key live in a temporary directory, deleted on exit: a private key never
# lands in the results (which are committed).
CERTS="$(mktemp -d "${TMPDIR:-/tmp}/rill-tls-certs-XXXXXX")"

cleanup() { stop_server; rm -rf "$CERTS"; }
trap cleanup EXIT INT TERM

rill() { exec "$JAVA" "${FLAGS[@]}" "${HEAP[@]}" -cp "$BENCH" dev.rill.ops.cli.RillCommand "$@"; }

"$JAVA" "${FLAGS[@]}" -cp "$BENCH" dev.rill.ops.cli.RillCommand certs dev --dir "$CERTS" > /dev/null

load() { # label mode [extra args]: one bounded load run
  local label="$1" mode="$2"; shift 2
  local seconds="$RATE_SECONDS"; [[ "$mode" == saturate ]] && seconds="$SAT_SECONDS"
  local pacing=(); [[ "$mode" == rate ]] && pacing=(--pacing "$PACING")
  echo "run-tls: $label"
  timeout $((WARMUP_SECONDS + seconds + 60)) "$JAVA" "${FLAGS[@]}" "${HEAP[@]}" -cp "$BENCH" dev.rill.perf.LoadGenerator \
    --host 127.0.0.1 --port "$RILL_PORT" --mode "$mode" --rate "$RATE" --warmup-seconds "$WARMUP_SECONDS" --seconds "$seconds" \
    --label "$label" --out "$OUT/$label.txt" "${pacing[@]}" "$@" > /dev/null
  sed -n 1,3p "$OUT/$label.txt"
}

variant() { # label provider-or-"" : a fresh server, then saturate and rate
  local label="$1" provider="$2"
  local config="$OUT/$label.yaml" client=()
  if [[ -z "$provider" ]]; then
    echo "admin: {enabled: false}  # plain TCP; no admin channel (its port may be taken)" > "$config"
  else
    cat > "$config" <<YAML
gateway:
  tls:
    certFile: $CERTS/cert.pem
    keyFile: $CERTS/key.pem
    provider: $provider
admin: {enabled: false}
YAML
    client=(--tls-trust "$CERTS/cert.pem" --tls-provider "$provider")
  fi
  DATA_DIR="$(mktemp -d "$RILL_DATA_PARENT/rill-tls-XXXXXX")"
  rill serve --config "$config" --port "$RILL_PORT" --data-dir "$DATA_DIR" --stats-interval 0 > "$OUT/$label-server.log" 2>&1 &
  SERVER_PID=$!
  await_line "$OUT/$label-server.log" "serving on"
  load "$label-saturate" saturate "${client[@]}"
  load "$label-rate" rate "${client[@]}"
  stop_server
}

variant plain ""
variant tls-jdk JDK
[[ "${RILL_SKIP_OPENSSL:-0}" == 1 ]] || variant tls-openssl OPENSSL

field() { grep -o "\"$2\":[0-9.]*" "$OUT/$1.txt" | head -1 | cut -d: -f2; }
{
  echo "TLS against plaintext, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown build), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1)"
  echo "saturation: window 8192 kept full for ${SAT_SECONDS} s after ${WARMUP_SECONDS} s warm-up; rate: ${RATE} events/s open loop for ${RATE_SECONDS} s, ack - intended send"
  echo "certificate: rill certs dev (EC P-256, self-signed); every variant a fresh rill serve on this build, back to back"
  echo
  printf '%-12s %14s %10s %10s %10s %10s\n' variant "saturate ev/s" "p50 us" "p99 us" "p99.9 us" "max us"
  for v in plain tls-jdk tls-openssl; do
    [[ -f "$OUT/$v-rate.txt" ]] || continue
    printf '%-12s %14.0f %10s %10s %10s %10s\n' "$v" "$(field "$v-saturate" ackedRate)" "$(field "$v-rate" p50Us)" \
      "$(field "$v-rate" p99Us)" "$(field "$v-rate" p999Us)" "$(field "$v-rate" maxUs)"
  done
  echo
  for f in "$OUT"/*-saturate.txt "$OUT"/*-rate.txt; do sed -n 1,3p "$f"; done
} > "$REPORT"
cat "$REPORT"
