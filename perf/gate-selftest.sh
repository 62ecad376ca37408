#!/usr/bin/env bash
# Proves the regression gate catches a known slowdown (perf/README.md, "Regression gate"): runs the
# quick gate with every ChronicleJournal append copying its record until N extra bytes were copied
# (-Drill.perf.extraCopyBytes=N, a test hook off by default) and requires exit 1, then without it
# and requires exit 0. Prints both tables and PASS or FAIL; exits 0 on PASS, 1 on FAIL.
# From the repository root, after `mvn -B -q -DskipTests package` and with a recorded baseline:
#   perf/gate-selftest.sh [--extra-copy-bytes N] [--out DIR] [gate options, e.g. --suite FILE]
set -uo pipefail
SCRIPT=gate-selftest.sh
BYTES=16384
OUT="perf/results/$(date -u +%Y%m%dT%H%M%SZ)-gate-selftest"
GATE_ARGS=()
while (($#)); do
  case "$1" in
    --extra-copy-bytes) BYTES="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) GATE_ARGS+=("$1"); shift ;;
  esac
done
[[ -x perf/gate.sh ]] || { echo "$SCRIPT: run it from the repository root" >&2; exit 2; }

echo "$SCRIPT: 1/2 with -Drill.perf.extraCopyBytes=$BYTES: the gate must fail (exit 1)"
perf/gate.sh "${GATE_ARGS[@]}" --out "$OUT/with-extra-copy" --fork-jvm-arg "-Drill.perf.extraCopyBytes=$BYTES"
WITH=$?
echo "$SCRIPT: 2/2 without it: the gate must pass (exit 0)"
perf/gate.sh "${GATE_ARGS[@]}" --out "$OUT/without"
WITHOUT=$?

echo
echo "== with an extra copy of $BYTES bytes per journal append (exit $WITH, want 1)"
cat "$OUT/with-extra-copy/table.txt" 2>/dev/null || echo "(no table: see the output above)"
echo "== without (exit $WITHOUT, want 0)"
cat "$OUT/without/table.txt" 2>/dev/null || echo "(no table: see the output above)"
if [[ $WITH -eq 1 && $WITHOUT -eq 0 ]]; then
  echo "$SCRIPT: PASS ($OUT)"; exit 0
fi
echo "$SCRIPT: FAIL: exit codes $WITH with the slowdown (want 1) and $WITHOUT without (want 0) ($OUT)"; exit 1
