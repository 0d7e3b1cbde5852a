#!/usr/bin/env bash
# Every service's resident memory at rest after a fresh start (issue 25: <= 200 MB each): RUNS times, the Java
# components are stopped and ./flywheel up starts them again; after SETTLE seconds (IdleHeapReturn acts after a
# quiet 20 s check interval) each one's RSS is read. Prints one line per service and round, then the medians.
# Usage: bench/idle-rss.sh   (RUNS=3 SETTLE=90)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-3}; SETTLE=${SETTLE:-90}
# shellcheck source=bench/lib.sh
. bench/lib.sh
SUMMARY=$(mktemp)
for run in $(seq 1 "$RUNS"); do
  for service in "${JAVA_COMPONENTS[@]}"; do ./flywheel stop "$service" >/dev/null; done
  ./flywheel up >/dev/null
  sleep "$SETTLE"
  for service in "${JAVA_COMPONENTS[@]}"; do
    echo "[$(date +%T)] $service idle-after-start run$run rss_kb=$(rss_kb "$service")" | tee -a "$SUMMARY"
  done
done
python3 bench/medians.py "$SUMMARY"
