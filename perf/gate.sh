#!/usr/bin/env bash
# The perf regression gate (perf/README.md, "Regression gate"). From the repository root, after
# `mvn -B -q -DskipTests package`:
#   perf/gate.sh                          # quick suite against perf/gate/suite.baseline.json (~3 min)
#   perf/gate.sh --long                   # every figure, longer JMH runs (release)
#   perf/gate.sh --record --runs 5        # write the baseline (then commit it)
#   perf/gate.sh --help                   # every option
# Exit 0: no regression; 1: a figure beyond its noise band; 2: usage or setup error.
set -euo pipefail
SCRIPT=gate.sh
JAR=perf/target/benchmarks.jar
if [[ ! -f perf/lib.sh ]]; then
  echo "$SCRIPT: run it from the repository root (perf/gate.sh)" >&2; exit 2
fi
if [[ ! -f $JAR ]]; then
  echo "$SCRIPT: no $JAR: build it first with mvn -B -q -DskipTests package" >&2; exit 2
fi
# No JVM flags here on purpose: the gate JVM only reads files and drives JMH, and JMH hands the
# host JVM's own flags to every fork (a -Xmx here would shrink the benchmarks' heap). The forks
# get the project flags (perf/lib.sh's FLAGS) from their @Fork annotations, --fork-jvm-arg in front.
# The benchmarks' journals go to RILL_GATE_DIR (default /dev/shm when it exists): the gate compares
# CPU costs, and on a disk the page faults and writeback of the ~400 MB a second an append benchmark
# writes made the journal ratios swing by 15 % between runs (the disk's own cost is run-load.sh's).
DIR_ARGS=()
GATE_DIR="${RILL_GATE_DIR:-/dev/shm}"
if [[ -d "$GATE_DIR" ]]; then
  DIR_ARGS=(--fork-jvm-arg "-Drill.perf.dir=$GATE_DIR")
fi
exec java -cp "$JAR" dev.rill.perf.gate.RegressionGate "${DIR_ARGS[@]}" "$@"
