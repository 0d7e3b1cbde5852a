# Sourced by bench scripts run against the platform ./flywheel up started: its settings and keys, the demo
# project's rate limit lifted for a run (the limiter still runs on every request) and put back after, and wrk.
# shellcheck shell=bash
set -a
# shellcheck disable=SC1091
. "$ROOT/.flywheel/demo.env"
# shellcheck disable=SC1091
. "$ROOT/.flywheel/secrets.env"
set +a

limit() {
  curl -fsS -o /dev/null -X PATCH "$FLYWHEEL_GATEWAY_URL/api/v1/projects/$FLYWHEEL_DEMO_PROJECT_ID" \
    -H "Authorization: Bearer $FLYWHEEL_BOOTSTRAP_ADMIN_KEY" -H 'Content-Type: application/json' \
    --data "{\"rateLimit\":{\"perSecond\":$1,\"burst\":$2}}"
}

ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || { echo "this benchmark needs wrk (apt-get install wrk)" >&2; return 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
}
