#!/usr/bin/env bash
# The event stores side by side (issue 21), against the platform ./flywheel up started (ClickHouse is its store):
# synthetic events into Kafka while the metrics-aggregator is stopped; then both consumer groups drain them (the
# ClickHouse one's rate, then the PostgreSQL one's); then the same queries through the gateway on ClickHouse, and
# on PostgreSQL (the aggregator restarted with FLYWHEEL_EVENT_STORE=postgres); the aggregator is left on ClickHouse.
# Usage: bench/clickhouse-load.sh EVENTS USERS ENVIRONMENT
#   bench/clickhouse-load.sh 10000000 200000 staging
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000} users=${2:-20000} environment=${3:-development}
set -a; . .flywheel/demo.env; set +a
run() { java -cp "bench/target/flywheel-bench.jar:bench/target/lib/*" dev.flywheel.bench.AnalyticsLoad "$@"; }
clickhouse_memory() {
  local pid
  pid=$(cat .flywheel/pids/clickhouse.pid)
  echo "clickhouse-server resident memory ($1): $(($(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024)) MiB"
}
clickhouse_memory idle
./flywheel stop metrics-aggregator
run produce --kafka "$FLYWHEEL_KAFKA_BOOTSTRAP" --project "$FLYWHEEL_DEMO_PROJECT_ID" --environment "$environment" \
  --events "$events" --users "$users"
./flywheel up >/dev/null
metrics="$FLYWHEEL_METRICS_AGGREGATOR_MANAGEMENT_URL/q/metrics"
run store --metrics "$metrics" --events "$events" --counter flywheel_aggregator_clickhouse_events
clickhouse_memory "after the load"
run store --metrics "$metrics" --events "$events" --counter flywheel_aggregator_events
psql -h "${FLYWHEEL_DB_HOST:-127.0.0.1}" -U "${FLYWHEEL_DB_USER:-postgres}" -d "${FLYWHEEL_DB_NAME:-flywheel}" -qc \
  "ANALYZE metrics_aggregator.event, metrics_aggregator.activity_daily, metrics_aggregator.daily_active, metrics_aggregator.first_seen"
echo "== ClickHouse"
run queries --gateway "$FLYWHEEL_GATEWAY_URL" --key "$FLYWHEEL_DEMO_ADMIN_KEY" --project "$FLYWHEEL_DEMO_PROJECT_ID" \
  --environment "$environment" --runs 5
clickhouse_memory "after the queries"
./flywheel stop metrics-aggregator
FLYWHEEL_EVENT_STORE=postgres ./flywheel up >/dev/null
echo "== PostgreSQL"
run queries --gateway "$FLYWHEEL_GATEWAY_URL" --key "$FLYWHEEL_DEMO_ADMIN_KEY" --project "$FLYWHEEL_DEMO_PROJECT_ID" \
  --environment "$environment" --runs 3
./flywheel stop metrics-aggregator
./flywheel up >/dev/null
