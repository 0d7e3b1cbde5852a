#!/usr/bin/env bash
# The metrics-aggregator's draining rate under each collector (issue 25, third part), against the platform
# ./flywheel up started: the launcher's aggregator is stopped and, per collector and round, one is started by hand
# from its quarkus-app with a fresh ClickHouse database and consumer group (the PostgreSQL consumer paused, as in
# bench/clickhouse-ingest.sh), re-reading the events topic; the rate is the rows stored between 12 s and 32 s.
# Needs a topic with more events than 20 s can drain (bench/edge.sh's ingest rounds leave ~2M).
# Usage: bench/aggregator-collectors.sh   (ROUNDS=2); ./flywheel up restarts the aggregator afterwards
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib.sh
. bench/lib.sh
ROUNDS=${ROUNDS:-2}
# the environment the launcher gives the aggregator, read off the running one
pid=$(cat .flywheel/pids/metrics-aggregator.pid 2>/dev/null) && [ -d "/proc/$pid" ] \
  || { echo "the metrics-aggregator is not running: ./flywheel up first" >&2; exit 1; }
env_file=$(mktemp)
trap 'rm -f "$env_file"' EXIT
tr '\0' '\n' </proc/"$pid"/environ | grep -E '^(FLYWHEEL|MALLOC)' >"$env_file"
"$ROOT/flywheel" stop metrics-aggregator >/dev/null
cd "$ROOT/services/metrics-aggregator/target/quarkus-app"
set -a; . "$env_file"; set +a
for round in $(seq 1 "$ROUNDS"); do
  for collector in serial parallel g1; do
    case $collector in
      serial) gc=(-Xms32m -Xmx2g -Xmn24m -XX:SurvivorRatio=4 -XX:+UseSerialGC) ;;
      parallel) gc=(-Xms32m -Xmx2g -XX:+UseParallelGC) ;;
      g1) gc=(-Xms24m -Xmx2g -XX:+UseG1GC) ;;
    esac
    database=bench_gc_$(date +%s)
    FLYWHEEL_CLICKHOUSE_DATABASE=$database FLYWHEEL_AGGREGATOR_EVENT_STORE_CLICKHOUSE_GROUP_ID=$database \
      FLYWHEEL_AGGREGATOR_CONSUMER_POSTGRES_ENABLED=false \
      java "${gc[@]}" -XX:SharedArchiveFile=app-cds.jsa -Dflywheel.component=metrics-aggregator \
      -jar quarkus-run.jar >/dev/null 2>&1 &
    aggregator=$!
    sleep 12; first=$(clickhouse_events "$database"); sleep 20; last=$(clickhouse_events "$database")
    echo "round $round $collector: $(((last - first) / 20)) events/s ($first -> $last rows)"
    kill "$aggregator"; wait "$aggregator" || true
    clickhouse_sql "DROP DATABASE IF EXISTS $database" >/dev/null
  done
done
