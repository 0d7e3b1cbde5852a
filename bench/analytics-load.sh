#!/usr/bin/env bash
# The analytics benchmark against the platform ./flywheel up started: synthetic events into Kafka while the
# metrics-aggregator is stopped, then its store throughput as it drains them, then query latency over the data.
# Usage: bench/analytics-load.sh EVENTS USERS ENVIRONMENT
#   bench/analytics-load.sh 1000000 20000 development
#   bench/analytics-load.sh 10000000 200000 staging
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000} users=${2:-20000} environment=${3:-development}
set -a; . .flywheel/demo.env; set +a
run() { java -cp "bench/target/flywheel-bench.jar:bench/target/lib/*" dev.flywheel.bench.AnalyticsLoad "$@"; }
./flywheel stop metrics-aggregator
run produce --kafka "$FLYWHEEL_KAFKA_BOOTSTRAP" --project "$FLYWHEEL_DEMO_PROJECT_ID" --environment "$environment" \
  --events "$events" --users "$users"
./flywheel up >/dev/null
# Everything in the topic is read again by the restarted consumer only if it was not committed; count only the new.
run store --metrics "$FLYWHEEL_METRICS_AGGREGATOR_MANAGEMENT_URL/q/metrics" --events "$events"
# Fresh partitions have no planner statistics until autovacuum analyzes them, minutes after a bulk load; take them
# now so the figures are those of a settled store.
psql -h "${FLYWHEEL_DB_HOST:-127.0.0.1}" -U "${FLYWHEEL_DB_USER:-postgres}" -d "${FLYWHEEL_DB_NAME:-flywheel}" -qc \
  "ANALYZE metrics_aggregator.event, metrics_aggregator.activity_daily, metrics_aggregator.daily_active, metrics_aggregator.first_seen"
run queries --gateway "$FLYWHEEL_GATEWAY_URL" --key "$FLYWHEEL_DEMO_ADMIN_KEY" --project "$FLYWHEEL_DEMO_PROJECT_ID" \
  --environment "$environment" --runs 5
