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
source perf/lib.sh
# The gate JVM only reads the suite and drives JMH; the benchmarks run in JMH's forks, which take
# the project flags from their @Fork annotations (and --fork-jvm-arg in front of them).
exec java "${FLAGS[@]}" -Xmx256m -cp "$JAR" dev.rill.perf.gate.RegressionGate "$@"
