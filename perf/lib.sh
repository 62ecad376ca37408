# Shared by perf/run-*.sh (sourced, not run): the JVM flags, the heap, and starting / stopping one
# `rill serve` or echo server at a time. The sourcing script sets SCRIPT (its name, for messages)
# and installs its own trap that calls stop_server.

# The root pom's rill.jvm.flags (Agrona, Chronicle); a fixed, pre-touched heap for every JVM.
FLAGS=(--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true)
HEAP=(-Xms1g -Xmx1g -XX:+AlwaysPreTouch)

SERVER_PID=""
DATA_DIR=""

# Stops the running server (TERM, then KILL after 10 s) and deletes its data directory.
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
  if [[ -n "$DATA_DIR" ]]; then rm -rf "$DATA_DIR"; DATA_DIR=""; fi
}

await_line() { # file pattern: wait up to 30 s for the server's ready line
  for _ in $(seq 1 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "$SCRIPT: server exited; see $1" >&2; exit 1; }
    sleep 0.1
  done
  echo "$SCRIPT: server not ready after 30 s; see $1" >&2; exit 1
}
