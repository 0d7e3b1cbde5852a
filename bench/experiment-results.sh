#!/usr/bin/env bash
# The experiment-results benchmark against the platform ./flywheel up started: an experiment with UNITS exposed
# users and ten metrics (every type; CUPED, winsorised, inverse, guardrail), then the latency of its results
# through the gateway. Results read only the per-variation sums, so the exposures, per-unit values and sums are
# seeded with SQL as the pipeline would have left them (the pipeline itself is measured by analytics-load.sh and
# checked by the tests); the seeded rows are removed at the end.
# Usage: bench/experiment-results.sh UNITS ENVIRONMENT
#   bench/experiment-results.sh 1000000 development
set -euo pipefail
cd "$(dirname "$0")/.."
units=${1:-1000000} environment=${2:-development} experiment=bench-results
set -a; . .flywheel/demo.env; set +a
run() { java -cp "bench/target/flywheel-bench.jar:bench/target/lib/*" dev.flywheel.bench.ResultsLoad "$@"; }
sql() {
  psql -h "${FLYWHEEL_DB_HOST:-127.0.0.1}" -U "${FLYWHEEL_DB_USER:-postgres}" -d "${FLYWHEEL_DB_NAME:-flywheel}" \
    -v ON_ERROR_STOP=1 -q -v p="$FLYWHEEL_DEMO_PROJECT_ID" -v e="$environment" -v x="$experiment" -v n="$units" "$@"
}
cleanup() {
  sql <<'SQL'
SET search_path = metrics_aggregator;
DELETE FROM experiment_unit_metric WHERE project_id = :'p' AND environment = :'e' AND experiment_key = :'x';
DELETE FROM experiment_metric_stats WHERE project_id = :'p' AND environment = :'e' AND experiment_key = :'x';
DELETE FROM experiment_metric_capped WHERE project_id = :'p' AND environment = :'e' AND experiment_key = :'x';
DELETE FROM experiment_exposure WHERE project_id = :'p' AND environment = :'e' AND experiment_key = :'x';
DELETE FROM experiment_variation WHERE project_id = :'p' AND environment = :'e' AND experiment_key = :'x';
DELETE FROM experiment_split WHERE project_id = :'p' AND environment = :'e' AND experiment_key = :'x';
SQL
}
cleanup
run metrics --gateway "$FLYWHEEL_GATEWAY_URL" --key "$FLYWHEEL_DEMO_ADMIN_KEY" --project "$FLYWHEEL_DEMO_PROJECT_ID"
start=$(date +%s)
sql <<'SQL'
SET search_path = metrics_aggregator;
SELECT setseed(0.42);
INSERT INTO experiment_exposure (project_id, environment, experiment_key, unit_id, variation_index, variation_key,
                                 exposed_at, message_id)
SELECT :'p', :'e', :'x', 'bench-u' || i, i % 2, CASE i % 2 WHEN 0 THEN 'control' ELSE 'treatment' END,
       now() - (i % 14) * interval '1 day', 'bench-' || i
FROM generate_series(0, :n - 1) AS i;
INSERT INTO experiment_variation (project_id, environment, experiment_key, variation_index, variation_key, units,
                                  first_exposed_at, last_exposed_at)
SELECT :'p', :'e', :'x', variation_index, variation_key, count(*), min(exposed_at), max(exposed_at)
FROM experiment_exposure WHERE project_id = :'p' AND environment = :'e' AND experiment_key = :'x'
GROUP BY variation_index, variation_key;
INSERT INTO experiment_split VALUES (:'p', :'e', :'x', '{0.5,0.5}', now(), 'bench');
-- Per-unit values like each metric's type gives: 0/1 conversions, counts, skewed sums, ratios; the treatment a
-- little better on some.
INSERT INTO experiment_unit_metric (project_id, environment, experiment_key, metric_key, unit_id, variation_index,
                                    value, denominator, pre)
SELECT :'p', :'e', :'x', 'bench-m' || m, 'bench-u' || i, v,
       CASE m WHEN 0 THEN (r1 < 0.30 + 0.006 * v)::int
              WHEN 1 THEN (r1 < 0.10 + 0.003 * v)::int
              WHEN 2 THEN (r1 < 0.20)::int
              WHEN 3 THEN floor(r2 * 6) + floor(r1 * 3)
              WHEN 4 THEN floor(-ln(1 - r1) * 2)
              WHEN 5 THEN CASE WHEN r1 < 0.3 THEN r2 * 100 ELSE 0 END
              WHEN 6 THEN CASE WHEN r1 < 0.3 THEN exp(r2 * 8) ELSE 0 END
              WHEN 7 THEN floor(r1 * 3) * r2 * 50
              WHEN 8 THEN floor(r1 * 3)
              ELSE (r1 < 0.05)::int END,
       CASE m WHEN 7 THEN floor(r1 * 3) WHEN 8 THEN 1 + floor(r2 * 5) ELSE 0 END,
       CASE m WHEN 3 THEN floor(r2 * 6) ELSE 0 END
FROM (SELECT i, i % 2 AS v, m, random() AS r1, random() AS r2
      FROM generate_series(0, :n - 1) AS i CROSS JOIN generate_series(0, 9) AS m) AS u;
INSERT INTO experiment_metric_stats (project_id, environment, experiment_key, metric_key, variation_index, units,
                                     sum_x, sum_xx, sum_y, sum_yy, sum_xy, sum_p, sum_pp, sum_xp)
SELECT project_id, environment, experiment_key, metric_key, variation_index, count(*), sum(value), sum(value ^ 2),
       sum(denominator), sum(denominator ^ 2), sum(value * denominator), sum(pre), sum(pre ^ 2), sum(value * pre)
FROM experiment_unit_metric WHERE project_id = :'p' AND environment = :'e' AND experiment_key = :'x'
GROUP BY project_id, environment, experiment_key, metric_key, variation_index;
ANALYZE experiment_unit_metric, experiment_metric_stats, experiment_exposure;
SQL
echo "seeded $units exposed units x 10 metrics in $(( $(date +%s) - start )) s"
# The winsorised metric's cap comes from the aggregator's maintenance job (every 30 s by default): wait for it.
for _ in $(seq 1 60); do
  [ "$(sql -tAc "SELECT count(*) FROM metrics_aggregator.experiment_metric_capped WHERE project_id = '$FLYWHEEL_DEMO_PROJECT_ID' AND experiment_key = '$experiment'")" -gt 0 ] && break
  sleep 2
done
run results --gateway "$FLYWHEEL_GATEWAY_URL" --key "$FLYWHEEL_DEMO_ADMIN_KEY" --project "$FLYWHEEL_DEMO_PROJECT_ID" \
  --environment "$environment" --experiment "$experiment" --runs "${RUNS:-500}" \
  --grpc "$FLYWHEEL_METRICS_AGGREGATOR_URL"
[ -n "${KEEP:-}" ] || cleanup
