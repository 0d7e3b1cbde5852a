#!/usr/bin/env bash
# Synthetic product events generated straight into ClickHouse (issue 21: 100M events without going through Kafka),
# with the shape of AnalyticsLoad's: sessions of five events on a day at or after the person joined (exponential,
# mean 12 days, over 8 weeks from 2026-09-07): "App Opened", then "Viewed Product" (60 %), "Added to Cart" (35 % of
# those), "Purchased" (50 % of those, with an amount), the other slots one of five other actions; "plan" is "pro"
# on every third event. Three people in ten open their first session anonymously ("anon-N", linked to "user-N" in
# PostgreSQL), so every query resolves identities. Rows carry partition -1, which no consumer reads.
# Usage: bench/clickhouse-generate.sh EVENTS USERS ENVIRONMENT [FIRST_ROW]
#   bench/clickhouse-generate.sh 100000000 2000000 production
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:?events} users=${2:?users} environment=${3:?environment} first=${4:-0}
set -a; . .flywheel/demo.env; set +a
project=$FLYWHEEL_DEMO_PROJECT_ID
database=${FLYWHEEL_CLICKHOUSE_DATABASE:-flywheel}
port=${FLYWHEEL_CLICKHOUSE_TCP_PORT:-19000}
started=$(date +%s.%N)
# one million rows a query, so a failure costs little and memory stays flat
for ((from = first; from < first + events; from += 1000000)); do
  count=$((first + events - from < 1000000 ? first + events - from : 1000000))
  clickhouse-client --port "$port" --query "
INSERT INTO $database.events (project_id, environment, message_id, type, source, name, distinct_id, ts, ts_ms,
  prop_keys, prop_values, prop_kinds, kafka_partition, kafka_offset)
SELECT '$project', '$environment', concat('gen-$environment-', toString(n)), 1, 2, name,
  if(anonymous, concat('anon-', toString(user)), concat('user-', toString(user))), toDateTime(intDiv(at_ms, 1000)),
  at_ms,
  if(name = 'Purchased', [concat('properties', unhex('01'), 'plan'), concat('properties', unhex('01'), 'amount')],
     [concat('properties', unhex('01'), 'plan')]),
  if(name = 'Purchased', [plan, toString(5 + cityHash64(session, 7) % 200)], [plan]),
  if(name = 'Purchased', [1, 2], [1]), -1, n
FROM (
  SELECT n, session, slot, user, day, at_ms, plan,
    multiIf(slot = 0, 'App Opened',
            slot = 1 AND viewed, 'Viewed Product',
            slot = 2 AND viewed AND added, 'Added to Cart',
            slot = 3 AND viewed AND added AND bought, 'Purchased',
            arrayElement(['Searched', 'Scrolled', 'Shared', 'Settings Changed', 'Viewed Help'],
                         toUInt32(cityHash64(n, 6) % 5) + 1)) AS name,
    user % 10 < 3 AND day = joined AND slot = 0 AS anonymous
  FROM (
    SELECT number AS n, intDiv(number, 5) AS session, number % 5 AS slot,
      cityHash64(session, 1) % $users AS user, intDiv(user * 56, $users) AS joined,
      joined + least(55 - joined, toUInt64(floor(-log(1 - (cityHash64(session, 2) % 1000000) / 1000000) * 12)))
        AS day,
      (toUInt64(toDateTime('2026-09-07 00:00:00', 'UTC')) + day * 86400 + cityHash64(session, 3) % 80000
        + slot * 61) * 1000 AS at_ms,
      cityHash64(session, 4) % 100 < 60 AS viewed, cityHash64(session, 5) % 100 < 35 AS added,
      cityHash64(session, 8) % 100 < 50 AS bought,
      if(number % 3 = 0, 'pro', 'free') AS plan
    FROM numbers($from, $count)
  )
)"
done
psql -h "${FLYWHEEL_DB_HOST:-127.0.0.1}" -U "${FLYWHEEL_DB_USER:-postgres}" -d "${FLYWHEEL_DB_NAME:-flywheel}" -qc "
INSERT INTO metrics_aggregator.identity_link (project_id, environment, distinct_id, person_id, linked_at, message_id)
SELECT '$project', '$environment', 'anon-' || u, 'user-' || u, now(), 'gen-link-' || u
FROM generate_series(0, $users - 1) u WHERE u % 10 < 3
ON CONFLICT DO NOTHING"
awk -v s="$started" -v e="$(date +%s.%N)" -v n="$events" \
  'BEGIN { printf "generated %d events into ClickHouse in %.1f s (%.0f events/s)\n", n, e - s, n / (e - s) }'
