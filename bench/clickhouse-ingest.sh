#!/usr/bin/env bash
# ClickHouse's store throughput from a backlog (issue 21), against the platform ./flywheel up started: the
# metrics-aggregator restarted with a fresh ClickHouse database and consumer group re-reads the whole events topic;
# the rate is the rows stored between 10 s and 10 + SECONDS s after its start, over RUNS runs. The PostgreSQL consumer
# is paused meanwhile (FLYWHEEL_AGGREGATOR_CONSUMER_POSTGRES_ENABLED=false: on two cores it would take the CPU this
# measures); the aggregator is started again as ./flywheel up starts it.
# Usage: RUNS=3 SECONDS=60 bench/clickhouse-ingest.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib.sh
. bench/lib.sh
runs=${RUNS:-3} seconds=${SECONDS_MEASURED:-60}
for run in $(seq 1 "$runs"); do
  database=bench_ingest_$(date +%s)
  ./flywheel stop metrics-aggregator >/dev/null
  FLYWHEEL_CLICKHOUSE_DATABASE=$database FLYWHEEL_AGGREGATOR_EVENT_STORE_CLICKHOUSE_GROUP_ID=$database \
    FLYWHEEL_AGGREGATOR_CONSUMER_POSTGRES_ENABLED=false ./flywheel up >/dev/null
  sleep 10
  first=$(clickhouse_events "$database")
  sleep "$seconds"
  last=$(clickhouse_events "$database")
  echo "run $run: $(((last - first) / seconds)) events/s ($first -> $last rows in ${seconds} s)"
  ./flywheel stop metrics-aggregator >/dev/null
  clickhouse_sql "DROP DATABASE IF EXISTS $database" >/dev/null
done
./flywheel up >/dev/null
